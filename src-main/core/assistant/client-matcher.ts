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

// Legal forms and generic words of company names: matching on them alone would be a guess.
const GENERIC = new Set(
  ('srl srls spa snc sas sapa ss sc scarl scrl coop cooperativa societa soc company co ltd limited gmbh inc llc group gruppo holding ' +
    'italia italiana italiano studio associati associato e ed and di del della dei delle de da il la lo le gli the of & figli fratelli f lli ' +
    'servizi service services consulting consulenze consulenza srl. s r l p a n c').split(' '),
);
// Words of questions: a client whose distinctive word is one of these is only matched by its full name.
const QUESTION_WORDS = new Set(
  ('fattura fatture fatturato cliente clienti invoice invoices client clients revenue mese anno month year oggi today ieri yesterday ' +
    'pagate pagato paid unpaid overdue scadute scaduta media medio average top totale total storico history previsione forecast ' +
    'quanto quante quanti quali quale what which how many much sono are this last questo scorso ultimi giorni days ' +
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

function distinctiveTokens(name: string): string[] {
  return foldText(name)
    .split(' ')
    .filter((t) => t.length >= 3 && !GENERIC.has(t) && !/^\d+$/.test(t));
}

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
    // How many clients share each distinctive word: a word only one client has identifies it.
    const owners = new Map<string, number>();
    for (const c of clients) for (const t of new Set(distinctiveTokens(c.denominazione))) owners.set(t, (owners.get(t) ?? 0) + 1);
    let best = 0;
    let winners: typeof clients = [];
    for (const c of clients) {
      const full = foldText(c.denominazione);
      let score = 0;
      if (full && q.includes(` ${full} `)) score = 100 + full.length;
      else if (hint && hint.length >= 3 && (full === hint || full.startsWith(`${hint} `))) score = 90 + hint.length;
      else {
        const tokens = distinctiveTokens(c.denominazione);
        const matched = tokens.filter((t) => qTokens.has(t));
        const meaningful = matched.filter((t) => !QUESTION_WORDS.has(t));
        const unique = meaningful.some((t) => t.length >= 4 && owners.get(t) === 1);
        if (meaningful.length && (matched.length === tokens.length || matched.length >= 2 || unique)) {
          score = 10 * matched.length + (matched.length === tokens.length ? 5 : 0);
        }
      }
      if (score > best) {
        best = score;
        winners = [c];
      } else if (score && score === best) winners.push(c);
    }
    if (!best) return { client: null, candidates: [] };
    if (winners.length === 1) return { client: ref(winners[0]!), candidates: [] };
    return { client: null, candidates: winners.slice(0, 10).map(ref) };
  }
}
