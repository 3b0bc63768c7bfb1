// Finds the client a question talks about: by P.IVA / codice fiscale written in it, by the full
// company name, or by the distinctive words of a name ("Rossi" for "Rossi & Figli S.r.l."), ignoring
// legal forms and the words questions are made of. Several equally good matches are returned as
// candidates instead of guessing.
import type { ClientRef } from './assistant-types';
import type { BusinessQueries } from './business-queries';
import type { ParsedQuestion } from './parse-intent';

export interface ClientMatch {
  client: ClientRef | null;
  /** Equally plausible clients when the question is ambiguous. */
  candidates: ClientRef[];
}

// Legal forms and joining words of company names: never evidence of which client is meant.
const LEGAL = new Set(
  ('srl srls spa snc sas sapa scarl scrl coop soc ltd limited gmbh inc llc and del della dei delle the lli fratelli figli').split(' '),
);
// Common words of company names: weak evidence, never enough on their own when the name has better words.
const GENERIC = new Set(
  ('societa cooperativa company group gruppo holding italia italiana italiano studio associati associato servizi service services ' +
    'consulting consulenze consulenza').split(' '),
);
// Words of questions: a client whose only matching word is one of these is not meant.
const QUESTION_WORDS = new Set(
  ('fattura fatture fatturato cliente clienti invoice invoices client clients revenue mese anno month year oggi today ieri yesterday ' +
    'pagate pagato paid unpaid overdue scadute scaduta media medio average top totale total storico history previsione forecast ' +
    'quanto quante quanti quali quale what which how many much sono are this last questo scorso ultimi giorni days pay paga ' +
    'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre january february march april may june july august september october november december').split(' '),
);

export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function nameTokens(name: string): string[] {
  return [...new Set(foldText(name).split(' ').filter((t) => t.length >= 3 && !LEGAL.has(t) && !/^\d+$/.test(t)))];
}

const informative = (t: string) => !GENERIC.has(t) && !QUESTION_WORDS.has(t);

export class ClientMatcher {
  constructor(private readonly queries: BusinessQueries) {}

  async match(question: string, parsed: ParsedQuestion): Promise<ClientMatch> {
    const clients = await this.queries.clients();
    if (!clients.length) return { client: null, candidates: [] };
    const ref = (c: (typeof clients)[number]): ClientRef => ({ id: c.id, name: c.denominazione, partitaIva: c.partita_iva });

    // Tax ids are exact.
    const ids = [...question.toUpperCase().matchAll(/\b(?:IT)?(\d{11})\b|\b([A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z])\b/g)].map((m) => m[1] ?? m[2]!);
    for (const id of ids) {
      const hit = clients.find((c) => c.partita_iva?.replace(/^IT/i, '') === id || c.codice_fiscale?.toUpperCase() === id);
      if (hit) return { client: ref(hit), candidates: [] };
    }

    const q = ` ${foldText(question)} `;
    const qTokens = new Set(q.trim().split(' '));
    const hint = parsed.clientHint ? foldText(parsed.clientHint) : null;
    // How many clients share each word: a word only one client has identifies it, a shared one is a tie.
    const tokensOf = new Map(clients.map((c) => [c.id, nameTokens(c.denominazione)]));
    const owners = new Map<string, number>();
    for (const tokens of tokensOf.values()) for (const t of tokens) owners.set(t, (owners.get(t) ?? 0) + 1);
    let best = 0;
    let winners: typeof clients = [];
    for (const c of clients) {
      const full = foldText(c.denominazione);
      let score = 0;
      if (full && q.includes(` ${full} `)) score = 100 + full.length;
      else if (hint && hint.length >= 3 && (full === hint || full.startsWith(`${hint} `))) score = 90 + hint.length;
      else {
        const tokens = tokensOf.get(c.id)!;
        const matched = tokens.filter((t) => qTokens.has(t));
        // Evidence: an informative word, or every word of a name made only of common words ("Consulting Italiana").
        const evidence = matched.some(informative) || (matched.length > 0 && matched.length === tokens.length && !tokens.some(informative));
        if (evidence) score = matched.reduce((s, t) => s + (GENERIC.has(t) ? 0.3 : 1) / owners.get(t)!, 0);
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
}
