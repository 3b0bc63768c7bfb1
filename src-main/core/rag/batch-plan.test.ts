import { describe, expect, it } from 'vitest';
import { planBatch, type BatchInputs } from './batch-plan';
import { contentHash, type BuiltDocument } from './document-builder';
import type { ExistingDocument } from './rag-document-repository';

const MODEL = 'all-MiniLM-L6-v2';
const doc = (text: string, embedText = text.split('\n')[0]!): BuiltDocument => ({ text, embedText });
const stored = (entityId: number, d: BuiltDocument, o: Partial<ExistingDocument> = {}): ExistingDocument => ({
  id: 100 + entityId,
  entity_id: entityId,
  label: entityId,
  content_hash: contentHash(d.text, MODEL),
  embedding_hash: contentHash(d.embedText, MODEL),
  has_embedding: 1,
  ...o,
});

function inputs(o: Partial<BatchInputs>): BatchInputs {
  return { changes: [], built: new Map(), stored: new Map(), modelId: MODEL, canEmbed: true, ...o };
}

describe('planBatch', () => {
  it('skips an unchanged document, keeps the vector when only the figures changed, and embeds a new one', () => {
    const same = doc('Fattura 1/2025\nTotale € 100,00');
    const figuresOnly = doc('Fattura 2/2025\nTotale € 250,00');
    const fresh = doc('Fattura 3/2025\nTotale € 80,00');
    const plan = planBatch(
      inputs({
        changes: [1, 2, 3].map((id) => ({ type: 'invoice' as const, id, op: 'upsert' as const })),
        built: new Map([['invoice', new Map([[1, same], [2, figuresOnly], [3, fresh]])]]),
        stored: new Map([['invoice', new Map([[1, stored(1, same)], [2, stored(2, doc('Fattura 2/2025\nTotale € 200,00'))]])]]),
      }),
    );
    expect(plan.skipped).toBe(1);
    expect(plan.removals).toEqual([]);
    expect(plan.documents.map((d) => [d.id, d.keepsVector, d.existing?.id ?? null])).toEqual([
      [2, true, 102],
      [3, false, null],
    ]);
  });

  it('turns an upsert of a vanished entity and a delete into removals, in the order the changes came', () => {
    const plan = planBatch(
      inputs({
        changes: [
          { type: 'client', id: 9, op: 'delete' },
          { type: 'client', id: 4, op: 'upsert' },
        ],
        built: new Map([['client', new Map()]]),
      }),
    );
    expect(plan.removals).toEqual([
      { type: 'client', id: 4 },
      { type: 'client', id: 9 },
    ]);
    expect(plan.documents).toEqual([]);
  });

  it('replaces a vector made from another embed text even when the text is unchanged, unless the model is unavailable', () => {
    const d = doc('Cliente Rossi Srl\nMilano');
    const old = stored(5, d, { embedding_hash: 'made-before-0005' });
    const base = inputs({ changes: [{ type: 'client', id: 5, op: 'upsert' }], built: new Map([['client', new Map([[5, d]])]]), stored: new Map([['client', new Map([[5, old]])]]) });
    const replan = planBatch(base);
    expect(replan.documents).toHaveLength(1);
    expect(replan.documents[0]!.keepsVector).toBe(false);
    // Without a model the document stays as it is rather than losing its vector.
    expect(planBatch({ ...base, canEmbed: false })).toMatchObject({ skipped: 1, documents: [] });
  });
});
