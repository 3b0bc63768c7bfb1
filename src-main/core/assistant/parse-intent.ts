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
}

const IT_WORDS = new Set(
  ('il lo la i gli le di da del della dei delle che chi quali quale qual quanto quanta quanti quante è e sono ho hai ha mio mia miei mie ' +
    'fatture fattura fatturato mese anno oggi ieri clienti cliente pagate pagata pagato scadute scaduta insolute incassato incassi ' +
    'questo questa quest scorso scorsa ultimi ultime medio media importo importi previsione quando mi ci non per con nel nella ' +
    'sul sulla storico creato create emesso emesse elenca mostra mostrami dimmi trimestre giorni settimana migliori principali ' +
    'come paga pagano cosa dove perché ancora già tutte tutti totale elenco fatturare').split(' '),
);
const EN_WORDS = new Set(
  ('the what which who how much many is are was were did do does i my me you your of for in on to by with this last ' +
    'invoices invoice revenue month year today yesterday clients client customers customer paid unpaid overdue outstanding ' +
    'average mean amount forecast cash flow when will top best create created issued made show list tell about history ' +
    'quarter days week make earn earned total').split(' '),
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
  { intent: 'forecast', pattern: /\b(previsione|previsioni|forecast|cash[- ]?flow|flusso di cassa|flussi di cassa|incassi previsti|quando (?:mi )?pagher|when will .* pa(y|id)|expected (?:payments|cash|income)|prossim[ie] \d+ giorni|next \d+ days|incasserò|will i (?:get|be) paid)/ },
  { intent: 'overdue', pattern: /\b(scadut[eiao]|in ritardo|overdue|past due|late (?:invoices|payments)|pagamenti in ritardo|ritardi)\b/ },
  { intent: 'unpaid', pattern: /\b(non (?:sono |è |ancora |state |stat[ei] )*pagat[eiao]|da incassare|insolut[eiao]|aperte|in sospeso|unpaid|outstanding|not (?:yet )?paid|open invoices|pending|owe[sd]? me|mi devono|devono ancora)\b/ },
  { intent: 'top_clients', pattern: /\b(top|migliori clienti|clienti migliori|principali clienti|maggiori clienti|best (?:clients|customers)|biggest (?:clients|customers)|largest (?:clients|customers)|clienti principali|chi (?:mi )?(?:ha )?fattura(?:to)? di più|who (?:pays|paid|bills?) (?:me )?the most)\b/ },
  { intent: 'average_invoice', pattern: /\b(medi[oa]|media|average|avg|mean|typical)\b/ },
  { intent: 'count', pattern: /\b(quant[ie] (?:fatture|clienti|prodotti)|how many|numero di (?:fatture|clienti|prodotti)|number of (?:invoices|clients|customers|products)|count)\b/ },
  { intent: 'invoices_created', pattern: /\b(creat[eoai]|create|made|emess[eoai]|emesso|issued|registrat[eoai]|added|aggiunt[eoai]|new invoices|nuove fatture)\b/ },
  { intent: 'revenue', pattern: /\b(fatturat[oi]|ricav[io]|entrat[ea]|revenues?|turnover|sales|earn(?:ed|ings)?|income|guadagnat[oi]|incassat[oi]|quanto ho (?:fatturato|incassato|guadagnato)|how much (?:did|have) i (?:invoice|bill|make|earn)|make|made)\b/ },
  { intent: 'client_history', pattern: /\b(storico|history|storia|andamento|com[e'] paga|how does .* pay|payment behaviou?r|comportamento|tell me about|parlami di|info(?:rmazioni)? (?:su|sul|on|about)|scheda)\b/ },
  { intent: 'invoices_created', pattern: /\b(fatture|invoices)\b.*\b(oggi|today|ieri|yesterday)\b|\b(oggi|today|ieri|yesterday)\b.*\b(fatture|invoices)\b/ },
];

const COUNT_SUBJECTS: [RegExp, CountSubject][] = [
  [/\b(clienti|clients|customers)\b/, 'clients'],
  [/\b(prodotti|products|servizi|services)\b/, 'products'],
  [/\b(fatture|invoices|fattura|invoice)\b/, 'invoices'],
];

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
  // "revenue … top clients" is a ranking; "revenue from Rossi" stays revenue with a client filter.
  const byClient = /\b(per cliente|by (?:client|customer)|per client|divis[ie] per cliente|grouped by client|for each client|per ogni cliente)\b/.test(q);
  const limitMatch = q.match(/\b(?:top|primi|prime|first|migliori)\s+(\d{1,3})\b/);
  const horizonMatch = q.match(/\b(?:prossim[ie]|next|coming|entro|within)\s+(\d{1,3})\s+(giorni|days|settimane|weeks)\b/);
  const horizonDays = horizonMatch ? Number(horizonMatch[1]) * (/^(settiman|week)/.test(horizonMatch[2]!) ? 7 : 1) : null;
  const vat = q.match(/\b(?:it)?(\d{11})\b/);
  let countSubject: CountSubject | null = null;
  if (intent === 'count') countSubject = COUNT_SUBJECTS.find(([re]) => re.test(q))?.[1] ?? 'invoices';
  return {
    intent,
    lang,
    period,
    byClient,
    limit: limitMatch ? Number(limitMatch[1]) : null,
    horizonDays,
    countSubject,
    vatNumber: vat ? vat[1]! : null,
    clientHint: clientHint(q),
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
