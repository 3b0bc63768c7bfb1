// What a reindex batch changes, decided without touching the database: given the coalesced outbox
// changes, the documents built from the current data and the documents stored now, which documents
// are skipped (same content hash), which only get new text (their embed text, hence their vector,
// is unchanged), which need a vector (cache or model), and which are removed. The RagIndexer reads
// the inputs, embeds what the plan asks for, and commits the plan in one transaction.
import type { RagEntityType } from '../db/schema';
import type { BuiltDocument } from './document-builder';
import { contentHash } from './document-builder';
import type { EntityChange } from './rag-outbox';
import type { ExistingDocument } from './rag-document-repository';

export interface PlannedDocument {
  type: RagEntityType;
  id: number;
  text: string;
  hash: string;
  embedText: string;
  embedHash: string;
  existing: ExistingDocument | undefined;
  /** The stored vector is of the same embed text: only the text changes. */
  keepsVector: boolean;
}

export interface BatchPlan {
  /** Documents to write (new text, and a vector unless `keepsVector`). */
  documents: PlannedDocument[];
  /** Entities whose document goes: deleted entities, and upserts of entities that no longer exist. */
  removals: { type: RagEntityType; id: number }[];
  /** Documents already up to date. */
  skipped: number;
}

export interface BatchInputs {
  changes: readonly EntityChange[];
  /** Documents built from the current data, per type; an entity that no longer exists is absent. */
  built: ReadonlyMap<RagEntityType, ReadonlyMap<number, BuiltDocument>>;
  /** Stored documents, per type and entity id. */
  stored: ReadonlyMap<RagEntityType, ReadonlyMap<number, ExistingDocument>>;
  modelId: string;
  /** False when the embedding model is known to be unavailable: text-identical documents without a vector are left alone. */
  canEmbed: boolean;
}

/** Upserted and deleted ids per entity type, in the order the changes came. */
export function changesByType(changes: readonly EntityChange[]): Map<RagEntityType, { upserts: number[]; deletes: number[] }> {
  const byType = new Map<RagEntityType, { upserts: number[]; deletes: number[] }>();
  for (const c of changes) {
    const g = byType.get(c.type) ?? byType.set(c.type, { upserts: [], deletes: [] }).get(c.type)!;
    (c.op === 'delete' ? g.deletes : g.upserts).push(c.id);
  }
  return byType;
}

export function planBatch(input: BatchInputs): BatchPlan {
  const plan: BatchPlan = { documents: [], removals: [], skipped: 0 };
  for (const [type, g] of changesByType(input.changes)) {
    const built = input.built.get(type);
    const stored = input.stored.get(type);
    for (const id of g.upserts) {
      const doc = built?.get(id);
      if (doc === undefined) {
        // An upsert of an entity that no longer exists is a delete (cascade deletes only log upserts of the parent invoice).
        plan.removals.push({ type, id });
        continue;
      }
      const hash = contentHash(doc.text, input.modelId);
      const embedHash = contentHash(doc.embedText, input.modelId);
      const ex = stored?.get(id);
      // A vector of another embed text (one made before migration 0005) is replaced even when the text is unchanged.
      if (ex && ex.content_hash === hash && ((ex.has_embedding && ex.embedding_hash === embedHash) || !input.canEmbed)) {
        plan.skipped++;
        continue;
      }
      const keepsVector = !!ex?.has_embedding && ex.embedding_hash === embedHash;
      plan.documents.push({ type, id, text: doc.text, hash, embedText: doc.embedText, embedHash, existing: ex, keepsVector });
    }
    for (const id of g.deletes) plan.removals.push({ type, id });
  }
  return plan;
}
