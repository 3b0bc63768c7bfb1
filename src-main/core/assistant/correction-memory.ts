// Learning from corrections: finds past chat feedback whose question is similar to a new one and
// that carries a user correction, so the assistant can show and apply it. Similarity is the cosine
// of question embeddings (the RAG embedding model, cached in embedding_cache by a hash of the
// normalised question) or, when no embedding model can be had, the Jaccard index of normalised
// content tokens. The deterministic reading of both questions refines it: two business questions
// that ask for a different figure, period or client never share a correction however close their
// words ("revenue this month" vs "revenue last month" embed at 0.89), and the same reading in
// another language matches although the English-trained model cannot see it.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Logger } from '../logger';
import type { LearnedCorrection, QuestionEmbedder } from './assistant-types';
import { parseIntent, type ParsedQuestion } from './parse-intent';

/** Agent types whose feedback is assistant feedback (the seed's CLI uses `chat`). */
export const ASSISTANT_AGENT_TYPES = ['chat', 'assistant'];

export interface CorrectionMemoryOptions {
  /** Minimum cosine similarity of question embeddings (all-MiniLM-L6-v2, normalised). */
  cosineThreshold?: number;
  /** Minimum Jaccard index of content tokens when no embeddings are available. */
  jaccardThreshold?: number;
  /** Most corrections shown with one answer. */
  limit?: number;
  /** Most recent corrections considered. */
  window?: number;
}

// Measured with all-MiniLM-L6-v2 against "What's my revenue this month?": paraphrases 0.86–0.90
// ("How much revenue did I make this month?" 0.903), other business questions 0.25–0.53
// ("Which invoices are overdue?" 0.310, "What's my average invoice amount?" 0.521).
export const DEFAULT_COSINE_THRESHOLD = 0.72;
export const DEFAULT_JACCARD_THRESHOLD = 0.5;

// Function words of both languages: they say nothing about what is asked.
const STOPWORDS = new Set(
  ('a an the is are was were be been am do does did i me my mine you your we our of for in on at to by with from this that these those what whats which who how ' +
    'much many can could would should will shall please tell show give list there here it its and or but not any some all ' +
    'il lo la i gli le un una uno di da del della dello dei degli delle al allo alla ai agli alle dal dalla nel nella nei nelle sul sulla ' +
    'che chi cosa qual quale quali quanto quanta quanti quante è e ed o ma non mi ti ci si ho hai ha abbiamo hanno sono mio mia miei mie tuo tua ' +
    'per con come dove quando questo questa quest quello quella me te sei fatto fatta fare make made did get got have has had').split(' '),
);

/** Lower-cased, accent-folded content tokens with a light plural/singular folding. */
export function contentTokens(text: string): Set<string> {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/'s\b/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !STOPWORDS.has(w));
  return new Set(words.map((w) => (w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w)));
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 0;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const periodKey = (p: ParsedQuestion) => (p.period ? `${p.period.from}..${p.period.to}` : '');
const subjectKey = (p: ParsedQuestion) => `${p.vatNumber ?? ''}|${p.clientHint ?? ''}|${p.countSubject ?? ''}`;

/** Both are business questions asking for the same figure over the same period about the same subject. */
export function sameReading(a: ParsedQuestion, b: ParsedQuestion): boolean {
  return a.intent !== 'search' && a.intent === b.intent && periodKey(a) === periodKey(b) && subjectKey(a) === subjectKey(b);
}

/** Both are business questions, but about a different figure, period or subject. */
export function conflictingReadings(a: ParsedQuestion, b: ParsedQuestion): boolean {
  return a.intent !== 'search' && b.intent !== 'search' && !sameReading(a, b);
}

function questionKey(text: string): string {
  const norm = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha256').update('assistant-question\n' + norm).digest('hex');
}

export interface CorrectionSearch {
  matches: LearnedCorrection[];
  method: 'embedding' | 'jaccard' | 'none';
  /** Why embeddings were not used, when they were wanted. */
  note: string | null;
}

interface Candidate {
  id: number;
  user_input: string;
  user_correction: string;
  created_at: string;
}

export class CorrectionMemory {
  private readonly cosineThreshold: number;
  private readonly jaccardThreshold: number;
  private readonly limit: number;
  private readonly window: number;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly embedder: QuestionEmbedder | null,
    private readonly logger?: Logger,
    options: CorrectionMemoryOptions = {},
  ) {
    this.cosineThreshold = options.cosineThreshold ?? DEFAULT_COSINE_THRESHOLD;
    this.jaccardThreshold = options.jaccardThreshold ?? DEFAULT_JACCARD_THRESHOLD;
    this.limit = options.limit ?? 3;
    this.window = options.window ?? 500;
  }

  /** Corrections on questions similar to `question` (read relative to `today`), most similar first, newest on ties. */
  async find(question: string, today: string): Promise<CorrectionSearch> {
    const candidates: Candidate[] = (await this.db
      .selectFrom('user_feedback')
      .select(['id', 'user_input', 'user_correction', 'created_at'])
      .where('agent_type', 'in', ASSISTANT_AGENT_TYPES)
      .where('user_correction', 'is not', null)
      .where(sql<string>`trim(user_correction)`, '!=', '')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(this.window)
      .execute()) as Candidate[];
    if (!candidates.length) return { matches: [], method: 'none', note: null };

    const reading = parseIntent(question, today);
    const readings = candidates.map((c) => parseIntent(c.user_input, today));
    let note: string | null = null;
    if (this.embedder) {
      try {
        const vectors = await this.embedQuestions([question, ...candidates.map((c) => c.user_input)]);
        const q = vectors[0]!;
        const scored = candidates.map((c, i) => ({ c, r: readings[i]!, s: cosine(q, vectors[i + 1]!) }));
        return { matches: this.pick(reading, scored, this.cosineThreshold, 'embedding'), method: 'embedding', note: null };
      } catch (e) {
        note = `embedding model unavailable (${(e as Error).message}); matched corrections by shared words instead`;
        this.logger?.warn(`Assistant: ${note}`);
      }
    }
    const qt = contentTokens(question);
    const scored = candidates.map((c, i) => ({ c, r: readings[i]!, s: jaccard(qt, contentTokens(c.user_input)) }));
    return { matches: this.pick(reading, scored, this.jaccardThreshold, 'jaccard'), method: 'jaccard', note };
  }

  private pick(
    reading: ParsedQuestion,
    scored: { c: Candidate; r: ParsedQuestion; s: number }[],
    threshold: number,
    method: 'embedding' | 'jaccard',
  ): LearnedCorrection[] {
    return scored
      .map((x) => ({ ...x, same: sameReading(reading, x.r), conflict: conflictingReadings(reading, x.r) }))
      .filter((x) => !x.conflict && (x.s >= threshold || x.same))
      .sort((a, b) => Number(b.s >= threshold || b.same) - Number(a.s >= threshold || a.same) || b.s - a.s || (a.c.created_at < b.c.created_at ? 1 : -1))
      .slice(0, this.limit)
      .map(({ c, s }) => ({
        feedbackId: c.id,
        question: c.user_input,
        correction: c.user_correction.trim(),
        createdAt: c.created_at,
        similarity: Math.round(s * 1000) / 1000,
        method: s >= threshold ? method : 'intent',
      }));
  }

  /** Embeds texts through the cache: only questions never seen by this model are embedded. */
  private async embedQuestions(texts: string[]): Promise<Float32Array[]> {
    const embedder = this.embedder!;
    const keys = texts.map(questionKey);
    const unique = [...new Set(keys)];
    const found = new Map<string, Float32Array>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db
        .selectFrom('embedding_cache')
        .select(['content_hash', 'embedding'])
        .where('model_id', '=', embedder.modelId)
        .where('content_hash', 'in', unique.slice(i, i + 500))
        .execute();
      for (const r of rows) found.set(r.content_hash, toVector(r.embedding));
    }
    const missing = unique.filter((k) => !found.has(k));
    if (missing.length) {
      const textOf = new Map(keys.map((k, i) => [k, texts[i]!]));
      const vectors = await embedder.embed(missing.map((k) => textOf.get(k)!));
      const fresh = missing.map((k, i) => ({ k, v: Float32Array.from(vectors[i]!) }));
      for (const { k, v } of fresh) found.set(k, v);
      await this.db
        .insertInto('embedding_cache')
        .values(fresh.map(({ k, v }) => ({ content_hash: k, model_id: embedder.modelId, embedding: Buffer.from(v.buffer, v.byteOffset, v.byteLength) })))
        .onConflict((oc) => oc.columns(['content_hash', 'model_id']).doNothing())
        .execute();
    }
    return keys.map((k) => found.get(k)!);
  }
}

function toVector(b: Buffer | Uint8Array): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
