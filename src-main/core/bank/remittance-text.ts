// Finding invoices and clients in what a payer wrote: the remittance text and the payer's name,
// folded (accents, case, punctuation) before anything is compared. Invoice numbers are found by
// their sequence digits ("12" of "12/2025", "7" of "2025/A/0007", "12" of "FPR 12/2025") with the
// evidence around them: the year next to them, an invoice word before them ("fatt.", "ft", "n."),
// the series letters; a mistyped number (one digit added, dropped or changed) is found with less
// weight. Names are found by their distinctive words (legal forms and generic words never count),
// weighted by how rare each word is among the clients, tolerating one typo in words of five letters
// or more. Both indexes are built once per matching run, so a credit costs a few map look-ups.
import { foldText } from '../assistant/text-folding';

export { foldText } from '../assistant/text-folding';

export interface NumberedInvoice {
  id: number;
  number: string;
  year: number;
}

export interface NamedClient {
  id: number;
  name: string;
}

/** How strongly a text names one invoice: 1 number and year (or its full number), 0.8 number after an invoice word, 0.5 a mistyped number with context, 0.3 the bare digits. */
export interface NumberMention {
  invoiceId: number;
  score: number;
}

const INVOICE_WORDS = new Set(['fattura', 'fatture', 'fatt', 'ft', 'fat', 'fatt.', 'fattur', 'n', 'nr', 'num', 'numero', 'invoice', 'inv', 'doc', 'documento', 'rif', 'ns', 'vs', 'saldo', 'acconto', 'e']);

/** The sequence part of an invoice number: its last group of digits that is not the year, without leading zeros. */
export function sequenceOf(number: string, year: number): string | null {
  const groups = foldText(number).split(' ').filter((t) => /^\d+$/.test(t));
  const y4 = String(year);
  const candidates = groups.filter((g) => g !== y4);
  const last = candidates[candidates.length - 1] ?? groups[groups.length - 1];
  if (last === undefined) return null;
  const stripped = last.replace(/^0+(?=\d)/, '');
  return stripped;
}

/** The non-digit words of a number ("fpr" of "FPR 12/2025", "a" of "2025/A/0007"). */
function seriesWords(number: string): string[] {
  return foldText(number).split(' ').filter((t) => t && !/^\d+$/.test(t));
}

function deletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

interface IndexedInvoice {
  id: number;
  year: number;
  series: string[];
  foldedNumber: string;
}

export class InvoiceNumberIndex {
  private readonly bySeq = new Map<string, IndexedInvoice[]>();
  /** One digit deleted from a sequence → the sequences (for typos). */
  private readonly byDeletion = new Map<string, Set<string>>();

  constructor(invoices: readonly NumberedInvoice[]) {
    for (const inv of invoices) {
      const seq = sequenceOf(inv.number, inv.year);
      if (seq === null) continue;
      const entry: IndexedInvoice = { id: inv.id, year: inv.year, series: seriesWords(inv.number), foldedNumber: foldText(inv.number) };
      const list = this.bySeq.get(seq);
      if (list) list.push(entry);
      else this.bySeq.set(seq, [entry]);
      if (seq.length >= 2) {
        for (const d of deletions(seq)) {
          const set = this.byDeletion.get(d) ?? new Set<string>();
          set.add(seq);
          this.byDeletion.set(d, set);
        }
      }
    }
  }

  /** Every invoice the text may name, with the strongest evidence for each. */
  find(text: string): NumberMention[] {
    const folded = foldText(text);
    if (!folded) return [];
    const tokens = folded.split(' ');
    const best = new Map<number, number>();
    const note = (id: number, score: number) => {
      if ((best.get(id) ?? 0) < score) best.set(id, score);
    };
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (!/^\d{1,9}$/.test(tok)) continue;
      const seq = tok.replace(/^0+(?=\d)/, '');
      const before = tokens[i - 1] ?? '';
      const before2 = tokens[i - 2] ?? '';
      const after = tokens[i + 1] ?? '';
      const after2 = tokens[i + 2] ?? '';
      const keyword = INVOICE_WORDS.has(before) || (/^[a-z]{1,4}$/.test(before) && INVOICE_WORDS.has(before2));
      // A date "15 01 2025" or an amount "1220 00" is not an invoice number: digits around it.
      const inDate = (/^\d{1,2}$/.test(before) && /^\d{1,4}$/.test(after)) || (/^\d{1,2}$/.test(after) && /^\d{2,4}$/.test(after2) && !/^\d{4}$/.test(after));
      const yearAfter = /^\d{2}$|^\d{4}$/.test(after) ? Number(after.length === 2 ? `20${after}` : after) : null;
      const yearBefore = /^\d{4}$/.test(before) ? Number(before) : /^\d{4}$/.test(before2) ? Number(before2) : null;
      const exact = this.bySeq.get(seq) ?? [];
      let writtenExists = false;
      for (const inv of exact) {
        const yearOk = yearAfter === inv.year || yearBefore === inv.year;
        const yearWrong = (yearAfter !== null && yearAfter !== inv.year && yearAfter >= 2000 && yearAfter <= 2099) && yearBefore !== inv.year;
        const seriesOk = inv.series.length > 0 && inv.series.every((s) => tokens.slice(Math.max(0, i - 3), i + 3).includes(s));
        let score: number;
        if (folded.includes(inv.foldedNumber) && inv.foldedNumber.length > seq.length) score = 1;
        else if (yearOk && (keyword || seriesOk || inv.series.length === 0)) score = 1;
        else if (yearOk) score = 0.9;
        else if (yearWrong) score = 0.1;
        else if (keyword || seriesOk) score = 0.8;
        else if (inDate) score = 0.05;
        else score = 0.3;
        if (score >= 0.8) writtenExists = true;
        note(inv.id, score);
      }
      // A mistyped number: only with an invoice word or the right year around it, and only when the
      // number as written is no open invoice (then it is that one, not a typo of a neighbour).
      if (seq.length >= 2 && !inDate && !writtenExists && (keyword || yearAfter !== null || yearBefore !== null)) {
        const near = new Set<string>();
        for (const d of [seq, ...deletions(seq)]) for (const s of this.byDeletion.get(d) ?? []) if (s !== seq) near.add(s);
        if (this.bySeq.has(seq.slice(0, -1)) && seq.length > 2) near.add(seq.slice(0, -1));
        for (const d of deletions(seq)) if (this.bySeq.has(d)) near.add(d);
        for (const s of near) {
          for (const inv of this.bySeq.get(s) ?? []) {
            const yearOk = yearAfter === inv.year || yearBefore === inv.year;
            if (yearOk && keyword) note(inv.id, 0.5);
            else if (yearOk || keyword) note(inv.id, 0.35);
          }
        }
      }
    }
    return [...best].map(([invoiceId, score]) => ({ invoiceId, score }));
  }
}

// Legal forms and joining words: never evidence of a client.
const LEGAL = new Set('srl srls spa snc sas sapa scarl scrl coop soc ltd gmbh inc llc del della dei delle degli di da the lli fratelli figli ditta sig sigra dott dottssa avv ing arch geom rag'.split(' '));
// Words of payment texts: never evidence of a client either.
const PAYMENT_WORDS = new Set('bonifico fattura fatture fatt saldo acconto pagamento rif riferimento versamento giroconto disposizione ordinante favore sepa sct inst istantaneo invoice payment transfer'.split(' '));

export function nameTokens(name: string): string[] {
  return [...new Set(foldText(name).split(' ').filter((t) => t.length >= 3 && !LEGAL.has(t) && !PAYMENT_WORDS.has(t) && !/\d/.test(t)))];
}

/** A client a text names, with the share of the client's name weight found (0–1). */
export interface NameMention {
  clientId: number;
  score: number;
}

const FUZZY_MIN = 5;

export class ClientNameIndex {
  private readonly byToken = new Map<string, number[]>();
  private readonly byDeletion = new Map<string, Set<string>>();
  private readonly weights = new Map<number, Map<string, number>>();

  constructor(clients: readonly NamedClient[]) {
    const tokensOf = new Map<number, string[]>();
    for (const c of clients) {
      const toks = nameTokens(c.name);
      tokensOf.set(c.id, toks);
      for (const t of toks) {
        const list = this.byToken.get(t);
        if (list) list.push(c.id);
        else this.byToken.set(t, [c.id]);
        if (t.length >= FUZZY_MIN) {
          for (const d of deletions(t)) {
            const set = this.byDeletion.get(d) ?? new Set<string>();
            set.add(t);
            this.byDeletion.set(d, set);
          }
        }
      }
    }
    const n = Math.max(1, clients.length);
    for (const [id, toks] of tokensOf) {
      const w = new Map<string, number>();
      for (const t of toks) w.set(t, Math.log(1 + n / (this.byToken.get(t)?.length ?? 1)));
      this.weights.set(id, w);
    }
  }

  /** Name tokens of the index that a folded word stands for: itself, or one typo away (words of 5+ letters). */
  private lookup(word: string): { token: string; exact: boolean }[] {
    const out: { token: string; exact: boolean }[] = [];
    if (this.byToken.has(word)) out.push({ token: word, exact: true });
    if (word.length >= FUZZY_MIN - 1) {
      const seen = new Set<string>([word]);
      for (const key of [word, ...deletions(word)]) {
        for (const t of this.byDeletion.get(key) ?? []) {
          if (!seen.has(t) && Math.abs(t.length - word.length) <= 1) {
            seen.add(t);
            out.push({ token: t, exact: false });
          }
        }
      }
      if (this.byToken.has(word) === false) for (const d of deletions(word)) if (this.byToken.has(d) && d.length >= FUZZY_MIN && !seen.has(d)) out.push({ token: d, exact: false });
    }
    return out;
  }

  /** Clients named in the text: the weighted share of each client's distinctive words found (a typo counts 0.8). */
  find(text: string, minScore = 0.3): NameMention[] {
    const words = [...new Set(foldText(text).split(' ').filter((t) => t.length >= 3 && !LEGAL.has(t) && !PAYMENT_WORDS.has(t) && !/\d/.test(t)))];
    const found = new Map<number, Map<string, number>>();
    for (const w of words) {
      for (const { token, exact } of this.lookup(w)) {
        for (const id of this.byToken.get(token) ?? []) {
          const m = found.get(id) ?? new Map<string, number>();
          m.set(token, Math.max(m.get(token) ?? 0, exact ? 1 : 0.8));
          found.set(id, m);
        }
      }
    }
    const out: NameMention[] = [];
    for (const [id, hits] of found) {
      const w = this.weights.get(id)!;
      let total = 0;
      for (const v of w.values()) total += v;
      let got = 0;
      for (const [t, q] of hits) got += (w.get(t) ?? 0) * q;
      const score = total > 0 ? got / total : 0;
      if (score >= minScore) out.push({ clientId: id, score });
    }
    return out.sort((a, b) => b.score - a.score);
  }

  /** How well a text names one given client (0 when it does not). */
  scoreFor(text: string, clientId: number): number {
    return this.find(text, 0).find((m) => m.clientId === clientId)?.score ?? 0;
  }
}
