// Finds the client a question talks about, against the client table: by P.IVA / codice fiscale
// written in it, by the full company name, or by the distinctive words of a name ("Rossi" for
// "Rossi & Figli S.r.l."), tolerating a typo ("Bianchl" → Bianchi, similarity ≥ 0.8 on words of five
// letters or more). Legal forms and the words questions are made of never identify a client, so
// "l'importo medio di una fattura" names nobody; a name that is also a common word ("Pagano",
// "Conti") counts only when written with a capital inside the sentence ("fatture di Pagano", not
// "come pagano i clienti"). Several equally good matches are returned as candidates instead of guessing.
import type { ClientRef } from './assistant-types';
import { EN_WORDS, IT_WORDS, type ParsedQuestion } from './parse-intent';
import { isVocabularyWord } from './question-concepts';
import { foldText, wordSimilarity } from './text-folding';

export { foldText } from './text-folding';

export interface ClientMatch {
  client: ClientRef | null;
  /** Equally plausible clients when the question is ambiguous. */
  candidates: ClientRef[];
}

export interface ClientRow {
  id: number;
  denominazione: string;
  partita_iva: string | null;
  codice_fiscale: string | null;
}

/** Minimum word similarity for a misspelt name ("Bianchl" for "Bianchi" is 0.86). */
export const FUZZY_NAME_THRESHOLD = 0.8;
const FUZZY_MIN_LENGTH = 5;

// Legal forms and joining words of company names: never evidence of which client is meant.
const LEGAL = new Set(
  ('srl srls spa snc sas sapa scarl scrl coop soc ltd limited gmbh inc llc and del della dei delle the lli fratelli figli').split(' '),
);
// Common words of company names: weak evidence, never enough on their own when the name has better words.
const GENERIC = new Set(
  ('societa cooperativa company group gruppo holding italia italiana italiano studio associati associato servizi service services ' +
    'consulting consulenze consulenza agenzia impianti riunite design').split(' '),
);
// Words of questions: a client whose only matching word is one of these is not meant (unless capitalised).
const QUESTION_WORDS = new Set(
  ('fattura fatture fatturato cliente clienti invoice invoices client clients revenue mese anno month year oggi today ieri yesterday ' +
    'pagate pagato paid unpaid overdue scadute scaduta media medio average top totale total storico history previsione forecast ' +
    'quanto quante quanti quali quale what which how many much sono are this last questo scorso ultimi giorni days pay paga pagano ' +
    'conti conto medico gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre january february march april may june july august september october november december').split(' '),
);

function nameTokens(name: string): string[] {
  return [...new Set(foldText(name).split(' ').filter((t) => t.length >= 3 && !LEGAL.has(t) && !/^\d+$/.test(t)))];
}

const isCommon = (t: string) => QUESTION_WORDS.has(t) || IT_WORDS.has(t) || EN_WORDS.has(t) || isVocabularyWord(t);
const informative = (t: string) => !GENERIC.has(t) && !QUESTION_WORDS.has(t);

/** Folded words written with a capital letter somewhere other than the start of the question. */
function capitalisedWords(question: string): Set<string> {
  const words = question.split(/[^\p{L}\p{N}&.'’-]+/u).filter(Boolean);
  const out = new Set<string>();
  words.forEach((w, i) => {
    if (i > 0 && /^\p{Lu}/u.test(w)) for (const t of foldText(w).split(' ')) out.add(t);
  });
  return out;
}

/** The client a question names, among `clients` (synchronous, so many questions can share one client list). */
export function matchClient(clients: readonly ClientRow[], question: string, parsed: Pick<ParsedQuestion, 'clientHint'>): ClientMatch {
  if (!clients.length) return { client: null, candidates: [] };
  const ref = (c: ClientRow): ClientRef => ({ id: c.id, name: c.denominazione, partitaIva: c.partita_iva });

  // Tax ids are exact.
  const ids = [...question.toUpperCase().matchAll(/\b(?:IT)?(\d{11})\b|\b([A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z])\b/g)].map((m) => m[1] ?? m[2]!);
  for (const id of ids) {
    const hit = clients.find((c) => c.partita_iva?.replace(/^IT/i, '') === id || c.codice_fiscale?.toUpperCase() === id);
    if (hit) return { client: ref(hit), candidates: [] };
  }

  const q = ` ${foldText(question)} `;
  const qTokens = [...new Set(q.trim().split(' ').filter(Boolean))];
  const capitalised = capitalisedWords(question);
  const hint = parsed.clientHint ? foldText(parsed.clientHint) : null;
  // How many clients share each word: a word only one client has identifies it, a shared one is a tie.
  const tokensOf = new Map(clients.map((c) => [c.id, nameTokens(c.denominazione)]));
  const owners = new Map<string, number>();
  for (const tokens of tokensOf.values()) for (const t of tokens) owners.set(t, (owners.get(t) ?? 0) + 1);
  // How strongly the question contains a name word: 1 written as is, the similarity for a typo, 0 otherwise.
  const presence = (t: string): number => {
    if (qTokens.includes(t)) return isCommon(t) && !capitalised.has(t) ? 0 : 1;
    if (t.length < FUZZY_MIN_LENGTH) return 0;
    let best = 0;
    for (const w of qTokens) {
      if (w.length < FUZZY_MIN_LENGTH || isCommon(w)) continue;
      const s = wordSimilarity(w, t);
      if (s >= FUZZY_NAME_THRESHOLD && s > best) best = s;
    }
    return best;
  };
  let best = 0;
  let winners: ClientRow[] = [];
  for (const c of clients) {
    const full = foldText(c.denominazione);
    let score = 0;
    if (full && q.includes(` ${full} `)) score = 100 + full.length;
    else if (hint && hint.length >= 3 && (full === hint || full.startsWith(`${hint} `))) score = 90 + hint.length;
    else {
      const tokens = tokensOf.get(c.id)!;
      const matched = tokens.map((t) => ({ t, p: presence(t) })).filter((m) => m.p > 0);
      // Evidence: an informative word, or every word of a name made only of common words ("Consulting Italiana").
      const evidence = matched.some((m) => informative(m.t)) || (matched.length > 0 && matched.length === tokens.length && !tokens.some(informative));
      if (evidence) score = matched.reduce((s, m) => s + (m.p * (GENERIC.has(m.t) ? 0.3 : 1)) / owners.get(m.t)!, 0);
    }
    if (score > best + 1e-9) {
      best = score;
      winners = [c];
    } else if (score && Math.abs(score - best) <= 1e-9) winners.push(c);
  }
  if (!best) return { client: null, candidates: [] };
  if (winners.length === 1) return { client: ref(winners[0]!), candidates: [] };
  return { client: null, candidates: winners.slice(0, 10).map(ref) };
}
