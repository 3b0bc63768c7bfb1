// Deterministic intent parsing of assistant questions (Italian and English): what the user asks for
// (revenue, average, unpaid, overdue, top clients, invoices created, a client's history, forecast,
// counts, or a free search), over which period, and in which language to answer. Pure and
// table-driven, so the same question always gets the same reading.
import { normalizeQuestion, parsePeriod, type Period } from './parse-period';

export type Lang = 'it' | 'en';

export type Intent =
  | 'revenue'
  | 'average_invoice'
  | 'unpaid'
  | 'overdue'
  | 'top_clients'
  | 'invoices_created'
  | 'client_history'
  | 'payment_behaviour'
  | 'forecast'
  | 'count'
  | 'search';

export type CountSubject = 'invoices' | 'clients' | 'products';

export interface ParsedQuestion {
  intent: Intent;
  lang: Lang;
  period: Period | null;
  /** Group the answer by client ("by client", "per cliente"). */
  byClient: boolean;
  /** "top 3 clients" → 3. */
  limit: number | null;
  /** Forecast horizon ("next 60 days", "prossimi 60 giorni"). */
  horizonDays: number | null;
  countSubject: CountSubject | null;
  /** A P.IVA (11 digits) written in the question. */
  vatNumber: string | null;
  /** Text after "cliente"/"client"/"for"/"di": a candidate client name to match against the database. */
  clientHint: string | null;
  /** Only paid or only unpaid invoices ("fatture pagate", "unpaid invoices" in a revenue or average question). */
  status: 'paid' | 'unpaid' | null;
  /** Amounts before VAT ("imponibile", "senza IVA", "net of VAT"); null means document totals. */
  basis: 'net' | null;
}

export const IT_WORDS = new Set(
  ('il lo la i gli le di da del della dei delle che chi quali quale qual quanto quanta quanti quante è e sono ho hai ha mio mia miei mie ' +
    'fatture fattura fatturato mese anno oggi ieri clienti cliente pagate pagata pagato scadute scaduta insolute incassato incassi ' +
    'questo questa quest scorso scorsa ultimi ultime medio media importo importi previsione quando mi ci non per con nel nella ' +
    'sul sulla storico creato create emesso emesse elenca mostra mostrami dimmi trimestre giorni settimana migliori principali ' +
    'come paga pagano cosa dove perché ancora già tutte tutti totale elenco fatturare devo posso puoi si fa faccio una uno un ' +
    'verso entro scade scadenza scadono versare versamento trimestrale soldi quanto quanti dimmi mediamente vale incasserò prossimo ' +
    'prossimi prodotti listino classifica guadagnare crediti numero anni contano qualcosa solo soltanto tutto sempre spesso ' +
    'regime forfettario bollo marca ritenuta acconto nota credito conto corrente bonifici fare dati anagrafici lavorato ore tasse').split(' '),
);
export const EN_WORDS = new Set(
  ('the what which who how much many is are was were did do does i my me you your of for in on to by with this last ' +
    'invoices invoice revenue month year today yesterday clients client customers customer paid unpaid overdue outstanding ' +
    'average mean amount forecast cash flow when will top best create created issued made show list tell about history ' +
    'quarter days week make earn earned total should can could would need do does have has please still owed owe much ' +
    'customers best sell products number typical billed invoiced turnover due past late payment payments pay paid tax vat ' +
    'withholding stamp duty credit note bank account transfer scheme charge record partial delete send issue apply').split(' '),
);

/** it or en, by counting marker words; ties go to `fallback`. */
export function detectLanguage(question: string, fallback: Lang = 'en'): Lang {
  const words = normalizeQuestion(question).split(/[^a-zà-ù0-9']+/).flatMap((w) => w.split("'")).filter(Boolean);
  let it = 0;
  let en = 0;
  for (const w of words) {
    if (IT_WORDS.has(w)) it++;
    if (EN_WORDS.has(w)) en++;
  }
  if (/[àèéìòù]/.test(question)) it += 1;
  if (it === en) return fallback;
  return it > en ? 'it' : 'en';
}

interface Rule {
  intent: Intent;
  pattern: RegExp;
}

// Order matters: the first rule that matches wins, so more specific readings come first.
const RULES: Rule[] = [
  { intent: 'forecast', pattern: /\b(previsione|previsioni|previst[oi] (?:di )?incass|forecast|cash[- ]?flow|flusso di cassa|flussi di cassa|incassi previsti|quando (?:mi )?pagher|when will .* pa(y|id)|expected (?:payments|cash|income)|prossim[ie] \d+ giorni|next \d+ days|incasser(?:ò|o|ai|emo)(?![a-z])|will i (?:get|be) paid|(?:cash|money) (?:will )?(?:come|coming) in)/ },
  // How clients pay (delays, days to pay, late payers) before "overdue" and "average": "pagano in ritardo", "tempo medio di pagamento".
  { intent: 'payment_behaviour', pattern: /\b(com[e'] pag(?:a|ano)|how (?:does|do) .*\bpay\b|pag(?:a|ano) (?:\w+ )?in ritardo|pays? (?:me )?late|late payers?|cattiv[io] pagator[ei]|tempo (?:medio )?(?:di|per il|del) pagamento|tempi (?:medi )?di pagamento|payment (?:times?|behaviou?r|delays?|habits)|giorni (?:medi )?(?:per|di|prima del) pagamento|days to pay|take to pay|(?:quanto|quanti giorni) ci mett\w* a pagare|ritardo medio|average delay)/ },
  { intent: 'overdue', pattern: /\b(scadut[eiao]|in ritardo|overdue|past due|late (?:invoices|payments)|pagamenti in ritardo|ritardi)\b/ },
  { intent: 'unpaid', pattern: /\b(non (?:sono |è |ancora |state |stat[ei] )*pagat[eiao]|da incassare|insolut[eiao]|aperte|in sospeso|unpaid|outstanding|not (?:yet )?paid|open invoices|pending|owe[sd]? me|am i (?:still )?owed|still owed|mi dev(?:ono|e)|devono ancora|crediti (?:verso|aperti|da)|ancora da incassare|devo ancora incassare)\b/ },
  { intent: 'top_clients', pattern: /\b(top|migliori clienti|clienti migliori|principali clienti|maggiori clienti|best (?:clients|customers)|biggest (?:clients|customers)|largest (?:clients|customers)|clienti principali|classifica (?:dei )?clienti|ranking (?:of )?(?:clients|customers)|clients? ranking|chi (?:mi )?(?:ha )?fattura(?:to)? di più|clienti che mi fanno (?:guadagnare|fatturare|incassare) di più|who (?:pays|paid|bills?) (?:me )?the most|most valuable (?:clients|customers))(?![a-z])/ },
  { intent: 'average_invoice', pattern: /\b(medi[oa]|media|mediamente|average|avg|mean|typical|tipic[oa]|quanto vale (?:una|la|in media una) fattura)\b/ },
  { intent: 'count', pattern: /\b(quant[ie] (?:fatture|clienti|prodotti)|how many|numero (?:di|dei|delle) (?:\w+ )?(?:fatture|clienti|prodotti)|number of (?:my )?(?:invoices|clients|customers|products)|count)\b/ },
  { intent: 'invoices_created', pattern: /\b(creat[eoai]|create|made|emess[eoai]|emesso|issued|registrat[eoai]|added|aggiunt[eoai]|new invoices|nuove fatture)\b/ },
  { intent: 'revenue', pattern: /\b(fatturat[oi]|ricav[io]|entrat[ea]|revenues?|turnover|sales|earn(?:ed|ings)?|income|guadagnat[oi]|incassat[oi]|quanto ho (?:fatturato|incassato|guadagnato)|how much (?:did|have) i (?:\w+ )?(?:invoiced?|billed?|made|make|earned?)|billed|invoiced|make|made)\b/ },
  { intent: 'client_history', pattern: /\b(storico|history|storia|andamento|payment behaviou?r|comportamento|tell me about|parlami di|info(?:rmazioni)? (?:su|sul|on|about)|scheda)\b/ },
  { intent: 'invoices_created', pattern: /\b(fatture|invoices)\b.*\b(oggi|today|ieri|yesterday)\b|\b(oggi|today|ieri|yesterday)\b.*\b(fatture|invoices)\b/ },
];

// Figures only some intents can be restricted by.
const STATUS_INTENTS = new Set<Intent>(['revenue', 'average_invoice', 'count', 'top_clients']);

const COUNT_SUBJECTS: [RegExp, CountSubject][] = [
  [/\b(clienti|clients|customers)\b/, 'clients'],
  [/\b(prodotti|products|servizi|services)\b/, 'products'],
  [/\b(fatture|invoices|fattura|invoice)\b/, 'invoices'],
];

// Words that make a question about a rule, not about the user's figures: "il limite di ricavi del
// forfettario", "the income tax advance", "what does split payment mean".
const NOT_A_FIGURE =
  /\b(limite|limiti|soglia|soglie|threshold|limit|aliquota|aliquote|tax rate|income tax|imposta sul reddito|regime|forfettario|flat[- ]rate|what does .+ mean|cosa significa|che cosa vuol dire)\b/;
// "the highest invoice", "la fattura più alta": a superlative, not the invoices created in a period.
const SUPERLATIVE = /\b(più (?:alta|alte|grande|grandi|bassa|piccola)|highest|largest|biggest|smallest|lowest|massim[ao]|minim[ao])(?![a-z])/;
const FIGURE_INTENTS = new Set<Intent>(['revenue', 'average_invoice', 'top_clients', 'count', 'invoices_created']);

export function parseIntent(question: string, today: string, fallbackLang: Lang = 'en'): ParsedQuestion {
  const q = normalizeQuestion(question);
  const lang = detectLanguage(question, fallbackLang);
  const period = parsePeriod(question, today);
  let intent: Intent = 'search';
  for (const rule of RULES) {
    if (rule.pattern.test(q)) {
      intent = rule.intent;
      break;
    }
  }
  // "l'importo medio delle fatture non pagate" is an average restricted to unpaid invoices.
  if ((intent === 'unpaid' || intent === 'overdue') && RULES.find((r) => r.intent === 'average_invoice')!.pattern.test(q)) intent = 'average_invoice';
  if (FIGURE_INTENTS.has(intent) && NOT_A_FIGURE.test(q)) intent = 'search';
  if (intent === 'invoices_created' && SUPERLATIVE.test(q)) intent = 'search';
  // "revenue … top clients" is a ranking; "revenue from Rossi" stays revenue with a client filter.
  const byClient = /\b(per cliente|by (?:client|customer)|per client|divis[ie] per cliente|grouped by client|for each client|per ogni cliente)\b/.test(q);
  const limitMatch = q.match(/\b(?:top|primi|prime|first|migliori)\s+(\d{1,3})\b/);
  const horizonMatch = q.match(/\b(?:prossim[ie]|next|coming|entro|within)\s+(\d{1,3}|[a-z]+)\s+(giorni|days|settimane|weeks)\b/);
  const horizonCount = horizonMatch ? (/^\d+$/.test(horizonMatch[1]!) ? Number(horizonMatch[1]) : (NUMBER_WORDS[horizonMatch[1]!] ?? null)) : null;
  const horizonDays = horizonCount ? horizonCount * (/^(settiman|week)/.test(horizonMatch![2]!) ? 7 : 1) : null;
  const vat = q.match(/\b(?:it)?(\d{11})\b/);
  let countSubject: CountSubject | null = null;
  if (intent === 'count') countSubject = COUNT_SUBJECTS.find(([re]) => re.test(q))?.[1] ?? 'invoices';
  // A forecast over "the next month" / "il prossimo mese" is the default 30 days.
  const horizon = horizonDays ?? (intent === 'forecast' && /\b(?:prossimo mese|next month|coming month|mese prossimo)\b/.test(q) ? 30 : null);
  return {
    intent,
    lang,
    period,
    byClient,
    limit: limitMatch ? Number(limitMatch[1]) : null,
    horizonDays: horizon,
    countSubject,
    vatNumber: vat ? vat[1]! : null,
    clientHint: clientHint(q),
    status: STATUS_INTENTS.has(intent) ? statusOf(q) : null,
    basis: /\b(imponibile|senza iva|iva esclusa|al netto (?:dell')?iva|netto iva|net of vat|excluding vat|without vat|ex(?:cl\.?)? vat|before vat|net amounts?)\b/.test(q) ? 'net' : null,
  };
}

/** The words naming a client: after "cliente"/"client"/"customer", or after "for"/"from"/"di"/"da" at the end. */
function clientHint(q: string): string | null {
  const m =
    q.match(/\b(?:cliente|client|customer)\s+["“]?([^"”?.,;]+)/) ??
    q.match(/\b(?:storico|history of|history for|tell me about|parlami di|scheda)\s+(?:di |del |della |of |for )?["“]?([^"”?.,;]+)/) ??
    q.match(/\b(?:for|from|di|da|by|of)\s+["“]?([a-zà-ù0-9&'.\- ]{3,})["”]?\s*\??$/);
  const hint = m?.[1]?.trim().replace(/\s+(?:this|last|questo|quest'anno|nel|in|del|nell'ultimo).*$/, '').trim();
  return hint && hint.length >= 2 ? hint : null;
}

const NUMBER_WORDS: Record<string, number> = {
  due: 2, tre: 3, quattro: 4, cinque: 5, sei: 6, otto: 8, dieci: 10, dodici: 12, trenta: 30, sessanta: 60, novanta: 90,
  two: 2, three: 3, four: 4, five: 5, six: 6, eight: 8, ten: 10, twelve: 12, thirty: 30, sixty: 60, ninety: 90,
};

/** "fatture pagate" / "unpaid invoices" inside a question about amounts. */
function statusOf(q: string): 'paid' | 'unpaid' | null {
  if (/\b(non (?:ancora )?pagat[ei]|da incassare|unpaid|not (?:yet )?paid|aperte|open)\b/.test(q)) return 'unpaid';
  if (/\b(?:fatture|invoices)\s+(?:già\s+|already\s+|fully\s+)?(?:pagate|incassate|saldate|paid|settled)\b|\b(?:paid|settled) invoices\b/.test(q)) return 'paid';
  return null;
}
