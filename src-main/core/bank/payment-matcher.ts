// The payment matcher: for each incoming credit, the candidate explanations — one open invoice (paid
// in full, or short by a bank fee), several open invoices of one client paid together, or a partial
// payment of one — each with its features, scored by a CandidateScorer (the rule-based version 0 or a
// trained model) and ranked. The confidence of the best candidate discounts the runner-up (two
// equally plausible invoices make neither certain), and is what auto-accept compares with its
// threshold. Everything the matcher looks up is indexed once per run (amounts, invoice numbers,
// client names, client invoices by due date), so 10,000 credits against 5,000 open invoices take
// seconds. Pure: no database, no clock.
import { toDayNumber } from '../dates';
import { F, MATCH_FEATURE_COUNT } from './match-features';
import { ClientNameIndex, foldText, InvoiceNumberIndex, type NameMention, type NumberMention } from './remittance-text';

export interface OpenInvoice {
  id: number;
  clientId: number;
  number: string;
  year: number;
  issueDate: string;
  dueDate: string;
  /** Still to be paid, in cents (> 0). */
  outstandingCents: number;
  /** The cash-flow model's predicted payment date, when one was served. */
  predictedDate: string | null;
}

/** An open invoice with its dates as day numbers, computed once per run. */
interface IndexedInvoice extends OpenInvoice {
  issueDay: number;
  dueDay: number;
  predictedDay: number;
  issueMonth: number;
}

export interface MatcherClient {
  id: number;
  name: string;
}

export interface MatchContext {
  invoices: readonly OpenInvoice[];
  clients: readonly MatcherClient[];
  /** Payer IBANs seen on confirmed payments → the clients they paid for. */
  knownIbans: ReadonlyMap<string, readonly number[]>;
}

export interface Credit {
  key: string;
  amountCents: number;
  bookingDate: string;
  remittance: string;
  structuredRefs: readonly string[];
  counterpartyName: string | null;
  counterpartyIban: string | null;
}

export type CandidateKind = 'single' | 'combined' | 'partial';

export interface Allocation {
  invoiceId: number;
  /** Recorded as paid on the invoice. */
  amountCents: number;
}

export interface Candidate {
  kind: CandidateKind;
  clientId: number;
  /** Sorted ascending. */
  invoiceIds: number[];
  allocations: Allocation[];
  /** Outstanding settled but not received (the bank fee), in cents; 0 for exact and partial payments. */
  feeCents: number;
  features: Float64Array;
}

export interface ScoredCandidate extends Candidate {
  score: number;
}

export interface CreditMatch {
  credit: Credit;
  /** Best first. */
  candidates: ScoredCandidate[];
  /** Confidence of the best candidate: its score discounted by the runner-up's. 0 without candidates. */
  confidence: number;
}

export interface CandidateScorer {
  readonly version: string;
  score(features: Float64Array): number;
}

export interface MatcherOptions {
  /** Largest shortfall taken as a bank fee, in cents. */
  feeToleranceCents: number;
  /** Related clients whose open invoices are searched (best evidence first). */
  maxRelatedClients: number;
  /** A client's open invoices considered for partial and combined payments (oldest due first, named ones always). */
  maxInvoicesPerClient: number;
  maxCombined: number;
  maxCandidates: number;
}

export const DEFAULT_MATCHER_OPTIONS: MatcherOptions = {
  feeToleranceCents: 1000,
  maxRelatedClients: 4,
  maxInvoicesPerClient: 12,
  maxCombined: 4,
  maxCandidates: 40,
};

const log1p = Math.log1p;

/** Sorted (amount, invoice) pairs for range look-ups. */
class AmountIndex {
  private readonly amounts: Int32Array | Float64Array;
  private readonly ids: number[];
  constructor(invoices: readonly OpenInvoice[]) {
    const sorted = [...invoices].sort((a, b) => a.outstandingCents - b.outstandingCents);
    this.amounts = Float64Array.from(sorted.map((i) => i.outstandingCents));
    this.ids = sorted.map((i) => i.id);
  }
  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.amounts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.amounts[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Invoice ids with lo ≤ outstanding ≤ hi. */
  range(lo: number, hi: number, cap = 200): number[] {
    const out: number[] = [];
    for (let i = this.lowerBound(lo); i < this.amounts.length && this.amounts[i]! <= hi && out.length < cap; i++) out.push(this.ids[i]!);
    return out;
  }
  count(v: number): number {
    let n = 0;
    for (let i = this.lowerBound(v); i < this.amounts.length && this.amounts[i] === v; i++) n++;
    return n;
  }
}

export class PaymentMatcher {
  readonly options: MatcherOptions;
  private readonly invoices = new Map<number, IndexedInvoice>();
  private readonly byClient = new Map<number, IndexedInvoice[]>();
  /** Payer names repeat (a client pays many times): their look-ups are kept for the run. */
  private readonly payerNameCache = new Map<string, NameMention[]>();
  private readonly amountIndex: AmountIndex;
  private readonly numbers: InvoiceNumberIndex;
  private readonly names: ClientNameIndex;
  private readonly clientNames = new Map<number, string>();
  private readonly knownIbans: ReadonlyMap<string, readonly number[]>;

  constructor(context: MatchContext, options: Partial<MatcherOptions> = {}) {
    this.options = { ...DEFAULT_MATCHER_OPTIONS, ...options };
    for (const raw of context.invoices) {
      if (raw.outstandingCents <= 0) continue;
      const inv: IndexedInvoice = { ...raw, issueDay: toDayNumber(raw.issueDate), dueDay: toDayNumber(raw.dueDate), predictedDay: toDayNumber(raw.predictedDate ?? raw.dueDate), issueMonth: Number(raw.issueDate.slice(5, 7)) };
      this.invoices.set(inv.id, inv);
      const list = this.byClient.get(inv.clientId);
      if (list) list.push(inv);
      else this.byClient.set(inv.clientId, [inv]);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id - b.id));
    const open = [...this.invoices.values()];
    this.amountIndex = new AmountIndex(open);
    this.numbers = new InvoiceNumberIndex(open);
    this.names = new ClientNameIndex(context.clients);
    for (const c of context.clients) this.clientNames.set(c.id, c.name);
    this.knownIbans = context.knownIbans;
  }

  /** The candidate explanations of one credit with their features (unscored). */
  candidates(credit: Credit): Candidate[] {
    const o = this.options;
    const A = credit.amountCents;
    if (!(A > 0)) return [];
    const hi = A + o.feeToleranceCents;
    const mentions = this.numbers.find([credit.remittance, ...credit.structuredRefs].join(' '));
    const mentionOf = new Map<number, number>(mentions.map((m: NumberMention) => [m.invoiceId, m.score]));
    const payerNames = credit.counterpartyName ? this.payerNames(credit.counterpartyName) : [];
    const textNames = credit.remittance ? this.names.find(credit.remittance) : [];
    const payerScore = new Map(payerNames.map((m) => [m.clientId, m.score]));
    const textScore = new Map(textNames.map((m) => [m.clientId, m.score]));
    const ibanClients = new Set(credit.counterpartyIban ? (this.knownIbans.get(credit.counterpartyIban) ?? []) : []);

    // Clients the credit points at, strongest evidence first.
    const evidence = new Map<number, number>();
    const bump = (id: number, v: number) => evidence.set(id, Math.max(evidence.get(id) ?? 0, v));
    for (const id of ibanClients) bump(id, 1);
    for (const m of payerNames) if (m.score >= 0.5) bump(m.clientId, m.score);
    for (const m of textNames) if (m.score >= 0.5) bump(m.clientId, m.score);
    for (const m of mentions) {
      const inv = this.invoices.get(m.invoiceId);
      if (inv && m.score >= 0.8) bump(inv.clientId, m.score);
    }
    const related = [...evidence].sort((a, b) => b[1] - a[1]).slice(0, o.maxRelatedClients).map(([id]) => id);

    const out = new Map<string, Candidate>();
    const add = (kind: CandidateKind, invs: IndexedInvoice[]) => {
      if (out.size >= o.maxCandidates) return;
      const key = invs.length === 1 ? `${kind[0]}${invs[0]!.id}` : `${kind[0]}${invs.map((i) => i.id).sort((a, b) => a - b).join(',')}`;
      if (out.has(key)) return;
      const ids = invs.map((i) => i.id).sort((a, b) => a - b);
      let sum = 0;
      for (const i of invs) sum += i.outstandingCents;
      const allocations = kind === 'partial' ? [{ invoiceId: invs[0]!.id, amountCents: A }] : invs.map((i) => ({ invoiceId: i.id, amountCents: i.outstandingCents }));
      out.set(key, { kind, clientId: invs[0]!.clientId, invoiceIds: ids, allocations, feeCents: kind === 'partial' ? 0 : sum - A, features: new Float64Array(MATCH_FEATURE_COUNT) });
    };
    const consider = (inv: IndexedInvoice, partialToo: boolean) => {
      if (inv.outstandingCents >= A && inv.outstandingCents <= hi) add('single', [inv]);
      else if (partialToo && inv.outstandingCents > hi) add('partial', [inv]);
    };

    // Invoices named in the text come first (a weakly named one only for a client other evidence
    // points at: a mistyped number names many invoices), then the amount, then the related clients'
    // invoices: in full (or short by a fee) or together for any of them, in part for the oldest few
    // (a payer on account pays the oldest first) and for named ones.
    const partyEvidence = (clientId: number) => ibanClients.has(clientId) || (payerScore.get(clientId) ?? 0) >= 0.5 || (textScore.get(clientId) ?? 0) >= 0.5;
    for (const m of [...mentions].sort((a, b) => b.score - a.score)) {
      const inv = this.invoices.get(m.invoiceId);
      if (inv && (m.score >= 0.8 || (m.score >= 0.3 && partyEvidence(inv.clientId)))) consider(inv, true);
    }
    // The exact amount, whoever it is from; short by a fee only for a client something else points at
    // (at €500 a €10 window holds dozens of unrelated invoices).
    for (const id of this.amountIndex.range(A, A, 60)) add('single', [this.invoices.get(id)!]);
    related.forEach((clientId, rank) => {
      const open = this.byClient.get(clientId) ?? [];
      const named: IndexedInvoice[] = [];
      for (const i of open) if ((mentionOf.get(i.id) ?? 0) >= 0.3) named.push(i);
      const pool = named.slice(0, o.maxInvoicesPerClient);
      for (const i of open) {
        if (pool.length >= o.maxInvoicesPerClient) break;
        if (!named.includes(i)) pool.push(i);
      }
      for (const inv of open) {
        if (inv.outstandingCents >= A && inv.outstandingCents <= hi) add('single', [inv]);
      }
      if (rank < 2) for (const inv of open.slice(0, 3)) consider(inv, true);
      for (const inv of named) consider(inv, true);
      this.combinations(pool, A, hi, (combo) => add('combined', combo));
    });

    const cands = [...out.values()];
    this.fillFeatures(credit, cands, { mentionOf, payerScore, textScore, ibanClients });
    return cands;
  }

  private payerNames(name: string): NameMention[] {
    let hit = this.payerNameCache.get(name);
    if (!hit) {
      if (this.payerNameCache.size >= 50_000) this.payerNameCache.clear();
      hit = this.names.find(name);
      this.payerNameCache.set(name, hit);
    }
    return hit;
  }

  /** Subsets of 2..maxCombined invoices whose outstanding sum is in [lo, hi]. */
  private combinations(pool: IndexedInvoice[], lo: number, hi: number, emit: (combo: IndexedInvoice[]) => void): void {
    const items = pool.filter((i) => i.outstandingCents < lo);
    const max = this.options.maxCombined;
    const chosen: IndexedInvoice[] = [];
    let emitted = 0;
    const walk = (start: number, sum: number) => {
      if (emitted >= 10) return;
      if (chosen.length >= 2 && sum >= lo && sum <= hi) {
        emit([...chosen]);
        emitted++;
      }
      if (chosen.length === max) return;
      for (let k = start; k < items.length; k++) {
        const next = sum + items[k]!.outstandingCents;
        if (next > hi) continue;
        chosen.push(items[k]!);
        walk(k + 1, next);
        chosen.pop();
      }
    };
    walk(0, 0);
  }

  private fillFeatures(
    credit: Credit,
    cands: Candidate[],
    ev: { mentionOf: Map<number, number>; payerScore: Map<number, number>; textScore: Map<number, number>; ibanClients: Set<number> },
  ): void {
    const A = credit.amountCents;
    const day = toDayNumber(credit.bookingDate);
    const strongNamed = [...ev.mentionOf].filter(([, s]) => s >= 0.8).map(([id]) => id);
    const ibanKnownSomewhere = ev.ibanClients.size > 0;
    const perCand = cands.map((c) => {
      const invs = c.invoiceIds.map((id) => this.invoices.get(id)!);
      const scores = invs.map((i) => ev.mentionOf.get(i.id) ?? 0);
      return { invs, numberScore: scores.reduce((s, x) => s + x, 0) / scores.length, allNamed: scores.filter((s) => s >= 0.5).length / scores.length, name: Math.max(ev.payerScore.get(c.clientId) ?? 0, ev.textScore.get(c.clientId) ?? 0) };
    });
    const bestNumber = perCand.reduce((m, p) => Math.max(m, p.numberScore), 0);
    const bestName = perCand.reduce((m, p) => Math.max(m, p.name), 0);
    const sameAmount = this.amountIndex.count(A);
    const monthsNamed = monthsIn(credit.remittance);
    cands.forEach((c, k) => {
      const { invs, numberScore, allNamed, name } = perCand[k]!;
      const f = c.features;
      const sum = invs.reduce((s, i) => s + i.outstandingCents, 0);
      const exact = c.kind !== 'partial' && sum === A ? 1 : 0;
      const withinFee = c.kind !== 'partial' && sum > A ? 1 : 0;
      const partial = c.kind === 'partial' ? 1 : 0;
      const combined = c.kind === 'combined' ? 1 : 0;
      const ids = new Set(c.invoiceIds);
      const other = strongNamed.filter((id) => !ids.has(id)).length;
      const payer = ev.payerScore.get(c.clientId) ?? 0;
      const text = ev.textScore.get(c.clientId) ?? 0;
      const ibanKnown = ev.ibanClients.has(c.clientId) ? 1 : 0;
      const party = Math.max(payer, text, ibanKnown);
      const dueDist = invs.reduce((s, i) => s + Math.abs(day - i.dueDay), 0) / invs.length;
      const predDist = invs.reduce((s, i) => s + Math.abs(day - i.predictedDay), 0) / invs.length;
      const beforeIssue = invs.some((i) => day < i.issueDay) ? 1 : 0;
      const clientOpen = this.byClient.get(c.clientId) ?? [];
      const oldest = clientOpen[0] !== undefined && ids.has(clientOpen[0].id) ? 1 : 0;
      f[F.amount_exact] = exact;
      f[F.amount_within_fee] = withinFee;
      f[F.fee_euro_log] = withinFee ? log1p((sum - A) / 100) : 0;
      f[F.is_partial] = partial;
      f[F.partial_share] = partial ? A / sum : 1;
      f[F.is_combined] = combined;
      f[F.invoice_count_log] = Math.log(invs.length);
      f[F.number_score] = numberScore;
      f[F.number_all_named] = allNamed;
      f[F.number_rel_best] = numberScore - bestNumber;
      f[F.other_invoice_named] = Math.min(other, 3);
      f[F.payer_name_score] = payer;
      f[F.text_name_score] = text;
      f[F.name_rel_best] = name - bestName;
      f[F.iban_known] = ibanKnown;
      f[F.iban_other_client] = ibanKnownSomewhere && !ibanKnown ? 1 : 0;
      f[F.due_distance] = Math.min(dueDist, 365) / 30;
      f[F.predicted_distance] = Math.min(predDist, 365) / 30;
      f[F.due_lateness] = Math.max(-90, Math.min(180, invs.reduce((s, i) => s + day - i.dueDay, 0) / invs.length)) / 30;
      f[F.month_named] = invs.filter((i) => monthsNamed.has(i.issueMonth)).length / invs.length;
      f[F.before_issue] = beforeIssue;
      // Other open invoices for exactly the credited amount: an amount alone cannot tell them apart.
      f[F.same_amount_open_log] = log1p(Math.max(0, sameAmount - exact));
      f[F.client_open_log] = log1p(clientOpen.length);
      f[F.oldest_open] = oldest;
      f[F.exact_x_named] = exact * allNamed;
      f[F.exact_x_party] = exact * party;
      f[F.partial_x_named] = partial * allNamed;
      f[F.combined_x_named] = combined * allNamed;
      f[F.fee_x_named] = withinFee * Math.max(allNamed, party);
      f[F.no_evidence] = numberScore < 0.3 && party < 0.5 ? 1 : 0;
    });
  }

  /** Scores and ranks the candidates of one credit. */
  match(credit: Credit, scorer: CandidateScorer): CreditMatch {
    const scored = this.candidates(credit) as ScoredCandidate[];
    for (const c of scored) c.score = scorer.score(c.features);
    scored.sort((a, b) => b.score - a.score || a.invoiceIds[0]! - b.invoiceIds[0]!);
    return { credit, candidates: scored, confidence: confidenceOf(scored) };
  }

  matchAll(credits: readonly Credit[], scorer: CandidateScorer): CreditMatch[] {
    return credits.map((c) => this.match(c, scorer));
  }

  clientName(id: number): string | undefined {
    return this.clientNames.get(id);
  }
}

const MONTH_WORDS: Record<string, number> = {
  gennaio: 1, febbraio: 2, marzo: 3, aprile: 4, maggio: 5, giugno: 6, luglio: 7, agosto: 8, settembre: 9, ottobre: 10, novembre: 11, dicembre: 12,
  gen: 1, feb: 2, mar: 3, apr: 4, mag: 5, giu: 6, lug: 7, ago: 8, set: 9, ott: 10, nov: 11, dic: 12,
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

/** Months named in a text ("fornitura aprile" → 4). */
function monthsIn(text: string): Set<number> {
  const out = new Set<number>();
  for (const w of foldText(text).split(' ')) {
    const m = MONTH_WORDS[w];
    if (m !== undefined) out.add(m);
  }
  return out;
}

/** The best candidate's score, discounted by the chance that the runner-up is the right one instead. */
export function confidenceOf(ranked: readonly { score: number }[]): number {
  const p1 = ranked[0]?.score ?? 0;
  const p2 = ranked[1]?.score ?? 0;
  return p1 * (1 - p2);
}

/** Same invoices, in any order: the test of a candidate against the truth or a confirmation. */
export function sameInvoices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const s = [...a].sort((x, y) => x - y);
  const t = [...b].sort((x, y) => x - y);
  return s.every((v, i) => v === t[i]);
}
