// Hybrid retrieval over the assistant's index (DESIGN §5): exact identifiers (invoice numbers like
// "12/2025", "358", "FT-12" or "2025/A/0007", VAT numbers, client names or one distinctive word of
// them, product codes) looked up directly, FTS5 keywords (diacritics folded by the tokenizer; user
// input escaped into quoted phrases, never raw FTS syntax) and HNSW vectors, fused by reciprocal
// rank. An exact match always ranks above anything found only by keywords or meaning. Each hit
// carries a relevance in [0, 1] for display: 1 for an exact match, otherwise its fused score over
// the best a document can get (first in both lists). With no model, vectors are skipped and keywords
// still answer.
import type BetterSqlite3 from 'better-sqlite3';
import type { RagEntityType } from '../db/schema';
import { invoiceNumberCandidates } from '../domain/invoice-number';
import { InvoiceRepository } from '../domain/invoice-repository';
import { findInvoicesByNumber } from '../domain/invoice-service';
import { DocumentSourceRepository } from './document-source-repository';
import { matchClient } from '../assistant/client-matcher';
import type { Embedder } from './embedder';
import { RagDocumentRepository, type DocumentHit } from './rag-document-repository';
import type { VectorIndex } from './vector-index';

export type FoundBy = 'keyword' | 'vector';

export interface RagHit {
  entityType: RagEntityType;
  entityId: number;
  text: string;
  /** Fused reciprocal-rank score (higher is better). */
  score: number;
  foundBy: FoundBy[];
  /** Rank (1-based) in each list that found it. */
  ranks: { exact?: number; keyword?: number; vector?: number };
  /** Named exactly by the query (an invoice number, a VAT number, a client's name, a product code). */
  exact: boolean;
  /** For display: 1 for an exact match, else the fused score over the best possible (first in both lists). */
  relevance: number;
  /** Cosine similarity when the vector index found it. */
  similarity?: number;
}

export interface SearchOptions {
  k?: number;
  types?: RagEntityType[];
  /** For benchmarks and diagnostics; the assistant uses hybrid. */
  mode?: 'hybrid' | 'keyword' | 'vector';
}

/** Reciprocal-rank constant (Cormack et al.): damps the head so agreement across lists wins. */
const RRF_K = 60;
/** Exact identifier matches outrank anything the fuzzy lists agree on. */
const EXACT_WEIGHT = 3;
/** A document first in both the keyword and the vector list. */
const BEST_FUZZY_SCORE = 2 / (RRF_K + 1);
/** "2024" alone is a year, not invoice number 2024 (unless written "fattura 2024"). */
const YEAR_LIKE = /^(?:19|20)\d{2}$/;

const STOPWORDS = new Set(
  (
    'a ad al alla alle ai agli all allo con col da dal dalla dalle dai degli dei del della delle dello di e ed è gli i il in la le lo ' +
    'mi mio mia miei mie ne nel nella nelle nei negli o per su sul sulla sui tra fra un una uno che chi cosa come quale quali quanto quanti ' +
    'sono sei siamo ho hai ha abbiamo avete hanno the an and or of to in on for with from by at is are was were be been my me i you your ' +
    'what which who how many much do does did have has had this that these those it its show list find tell about'
  ).split(' '),
);

type DocRow = DocumentHit;

/** A document's first line is its title (e.g. "Fattura 12/2025 — Rossi Srl"); the rest, joined, is the snippet. */
export function titleAndSnippet(text: string): { title: string; snippet: string } {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return { title: (lines[0] ?? '').slice(0, 200), snippet: lines.slice(1).join(' · ').slice(0, 300) };
}

/** Turns free text into a safe FTS5 query: each word (or identifier like 12/2025) a quoted phrase, OR-ed. */
export function toFtsQuery(query: string): string | null {
  const chunks = query.toLowerCase().match(/[\p{L}\p{N}]+(?:[/.\-'][\p{L}\p{N}]+)*/gu) ?? [];
  const phrases = new Set<string>();
  for (const chunk of chunks) {
    const tokens = chunk.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (tokens.length === 1 && (STOPWORDS.has(tokens[0]!) || tokens[0]!.length < 2)) continue;
    // Tokens hold only letters and digits, so quoting cannot be escaped out of.
    phrases.add(`"${tokens.join(' ')}"`);
  }
  return phrases.size ? [...phrases].join(' OR ') : null;
}

export class HybridRetriever {
  private readonly documents: RagDocumentRepository;
  private readonly sources: DocumentSourceRepository;
  private readonly invoices: InvoiceRepository;

  constructor(
    connection: BetterSqlite3.Database,
    private readonly embedder: Embedder,
    /** Loads (or returns) the in-memory vector index; null when vectors are unusable. */
    private readonly vectorIndex: () => Promise<VectorIndex | null>,
  ) {
    this.documents = new RagDocumentRepository(connection);
    this.sources = new DocumentSourceRepository(connection);
    this.invoices = new InvoiceRepository(connection);
  }

  async search(query: string, options: SearchOptions = {}): Promise<RagHit[]> {
    const k = options.k ?? 5;
    const types = options.types?.length ? options.types : (['invoice', 'client', 'product'] as RagEntityType[]);
    const mode = options.mode ?? 'hybrid';
    const depth = Math.max(k * 4, 20);
    const hits = new Map<number, RagHit & { docId: number }>();
    const add = (doc: DocRow, list: 'exact' | 'keyword' | 'vector', rank: number, weight = 1, similarity?: number) => {
      let h = hits.get(doc.id);
      if (!h) {
        h = { docId: doc.id, entityType: doc.entity_type, entityId: doc.entity_id, text: doc.text, score: 0, foundBy: [], ranks: {}, exact: false, relevance: 0 };
        hits.set(doc.id, h);
      }
      if (h.ranks[list] !== undefined) return;
      h.ranks[list] = rank;
      h.score += weight / (RRF_K + rank);
      if (list === 'exact') h.exact = true;
      const by: FoundBy = list === 'vector' ? 'vector' : 'keyword';
      if (!h.foundBy.includes(by)) h.foundBy.push(by);
      if (similarity !== undefined) h.similarity = similarity;
    };

    if (mode !== 'vector') {
      this.exactMatches(query, types).forEach((d, i) => add(d, 'exact', i + 1, EXACT_WEIGHT));
      const fts = toFtsQuery(query);
      if (fts) this.documents.keywordSearch(fts, types, depth).forEach((d, i) => add(d, 'keyword', i + 1));
    }
    if (mode !== 'keyword') {
      const index = await this.vectorIndex();
      const vector = index && index.size > 0 ? await this.embedder.embedQuery(query) : null;
      if (index && vector) {
        let filter: ((label: number) => boolean) | undefined;
        if (types.length < 3) {
          const allowed = new Set(this.documents.labelTypes().filter((r) => types.includes(r.entity_type)).map((r) => r.label));
          filter = (label) => allowed.has(label);
        }
        const found = index.search(vector, depth, filter);
        const docs = new Map(this.documents.byLabels(found.map((f) => f.label)).map((d) => [d.label, d]));
        let rank = 0;
        for (const f of found) {
          const d = docs.get(f.label);
          if (d && types.includes(d.entity_type)) add(d, 'vector', ++rank, 1, 1 - f.distance);
        }
      }
    }
    return [...hits.values()]
      .sort((a, b) => Number(b.exact) - Number(a.exact) || (a.ranks.exact ?? 0) - (b.ranks.exact ?? 0) || b.score - a.score || a.docId - b.docId)
      .slice(0, k)
      .map(({ docId: _docId, ...h }) => ({
        ...h,
        score: Math.round(h.score * 1e6) / 1e6,
        relevance: h.exact ? 1 : Math.round(Math.min(1, h.score / BEST_FUZZY_SCORE) * 1000) / 1000,
      }));
  }

  /** Documents named exactly by the query: invoice numbers, VAT numbers / fiscal codes, client names. */
  private exactMatches(query: string, types: RagEntityType[]): DocRow[] {
    const out: DocRow[] = [];
    const seen = new Set<number>();
    const push = (type: RagEntityType, id: number) => {
      if (!types.includes(type)) return;
      const d = this.documents.byEntity(type, id);
      if (d && !seen.has(d.id)) {
        seen.add(d.id);
        out.push(d);
      }
    };
    // Invoice numbers as printed ("2025/A/0007", "FPR 12/2025") or NUMBER/YEAR ("12/2025", "FT-12/2025").
    for (const ref of invoiceNumberCandidates(query)) {
      for (const r of findInvoicesByNumber(this.invoices, ref).slice(0, 5)) push('invoice', r.id);
    }
    // Any other token that is an invoice number or a product code as written: "358", "FT-2025-12".
    for (const token of query.split(/[\s,;()"“”]+/).map((t) => t.replace(/^[#.:]+|[.:?!]+$/g, '')).filter(Boolean)) {
      if (!/\d/.test(token) || token.length > 20 || YEAR_LIKE.test(token) || /^\d{11}$/.test(token)) continue;
      const written = /^\d+$/.test(token) ? [...new Set([token, String(Number(token))])] : [token];
      for (const n of written) for (const id of this.sources.invoicesNumbered(n)) push('invoice', id);
      for (const id of this.sources.productsCoded(token)) push('product', id);
    }
    for (const m of query.matchAll(/\b(?:IT)?(\d{11})\b/gi)) {
      for (const id of this.sources.clientsByTaxId(m[1]!, m[1]!)) push('client', id);
    }
    for (const m of query.matchAll(/\b([A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z])\b/gi)) {
      for (const id of this.sources.clientsByTaxId(m[1]!.toUpperCase(), m[1]!.toUpperCase())) push('client', id);
    }
    for (const id of this.sources.clientsNamedIn(query.toLowerCase())) push('client', id);
    // A distinctive word of a client's name ("Rossi" for "Rossi & Figli S.r.l."); several clients
    // sharing the word all match.
    if (types.includes('client')) {
      const named = matchClient(this.sources.clientIdentities(), query, { clientHint: null });
      for (const c of named.client ? [named.client] : named.candidates) push('client', c.id);
    }
    // The invoices of a client named exactly, after the client itself.
    if (types.includes('invoice')) {
      for (const d of [...out]) if (d.entity_type === 'client') for (const id of this.sources.latestInvoicesOf(d.entity_id)) push('invoice', id);
    }
    return out;
  }
}
