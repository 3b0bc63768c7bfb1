// What a question is about, as language-neutral concepts: "versare l'IVA trimestrale" and "quarterly
// VAT payment" both become {PAY, VAT, QUARTER}. The embedding model is English-trained and scores
// Italian paraphrases poorly, so corrections on questions that are not business figures (tax rules,
// deadlines, how-tos) are matched on these concepts as well. The lexicon is the vocabulary of Italian
// invoicing and tax in both languages — not a list of test questions: multi-word terms first
// ("nota di credito", "reverse charge"), then word forms. Words it does not know stay as themselves,
// so two questions in the same language still share them.
import { foldText } from './text-folding';
import type { Lang } from './parse-intent';

export type ConceptSet = Map<string, number>;

/** Concepts that appear in most questions about invoices: weak evidence that two questions are the same. */
const WEAK = new Set(['INVOICE', 'CLIENT', 'PAY', 'APPLY', 'WHEN', 'COMPANY', 'YEAR', 'MONTH']);

// Multi-word terms, matched on the folded text before single words. Each names one or more concepts.
const PHRASES: [RegExp, string[]][] = [
  [/\bnot[ae] di credito\b|\bcredit notes?\b/g, ['CREDIT_NOTE']],
  [/\bfattur[ae] elettronic[ahe]+\b|\be invoices?\b|\belectronic invoices?\b|\beinvoices?\b/g, ['INVOICE', 'ELECTRONIC']],
  [/\bconto corrente\b|\bbank accounts?\b|\bconto bancario\b/g, ['BANK', 'ACCOUNT']],
  [/\bsplit payment\b|\bscissione (?:dei )?pagamenti\b/g, ['SPLIT_PAYMENT']],
  [/\bpubblica amministrazione\b|\bpublic (?:administration|sector)\b|\benti pubblici\b/g, ['PA']],
  [/\breverse charge\b|\binversione contabile\b/g, ['REVERSE_CHARGE']],
  [/\bmarca da bollo\b|\bstamp duty\b|\bbollo virtuale\b/g, ['STAMP']],
  [/\btermini di pagamento\b|\bpayment terms\b|\bcondizioni di pagamento\b/g, ['TERMS', 'PAY']],
  [/\britenuta d acconto\b|\bwithholding tax(?:es)?\b|\britenuta alla fonte\b/g, ['WITHHOLD']],
  [/\bpartita iva\b|\bvat (?:number|id)\b|\bp iva\b/g, ['VAT_NUMBER']],
  [/\bcodice destinatario\b|\brecipient code\b|\bcodice univoco\b/g, ['RECIPIENT_CODE']],
  [/\bdichiarazione dei redditi\b|\btax returns?\b|\bincome tax returns?\b|\bmodello 730\b|\bredditi pf\b/g, ['DECLARATION', 'INCOME']],
  [/\bincome tax(?:es)?\b|\bimposta sul reddito\b/g, ['TAX', 'INCOME']],
  [/\b(?:regime )?forfettario\b|\bflat[ -]rate(?: scheme| regime)?\b|\bregime forfetario\b/g, ['FLAT_RATE']],
  [/\bquanto tempo\b|\bquanti giorni\b|\bhow long\b|\bhow many days\b|\bhow much time\b/g, ['DURATION']],
  [/\banother (?:eu|european) country\b|\bpaesi? (?:ue|europei|comunitari)\b|\bin europa\b/g, ['EU']],
  [/\bcontributo integrativo\b|\bcassa (?:previdenza|forense|geometri)\b/g, ['CONTRIBUTION']],
];

type Lexicon = [RegExp, string[]][];
const lex = (entries: [string, string | string[]][]): Lexicon => entries.map(([re, c]) => [new RegExp(`^(?:${re})$`), Array.isArray(c) ? c : [c]]);

// Terms written the same way in both languages (Italian tax vocabulary used in English too).
const SHARED = lex([
  ['iva|vat', 'VAT'],
  ['sdi', 'SDI'],
  ['bollo|bolli', 'STAMP'],
  ['ritenut[ae]', 'WITHHOLD'],
  ['forfettari[oa]|forfait\\w*', 'FLAT_RATE'],
  ['iban', ['BANK', 'ACCOUNT']],
  ['irpef|irap|ires', ['TAX', 'INCOME']],
  ['inps|enpam|inarcassa', 'CONTRIBUTION'],
  ['pec', 'PEC'],
  ['ue|eu|cee|intra\\w*|europe\\w*|comunitari\\w*|germany|germania|tedesc\\w*|german|france|francia|frances\\w*|french|spain|spagna|spagnol\\w*|spanish|austria\\w*|belgi\\w*|olanda|netherlands|dutch|olandes\\w*|portugal|portogall\\w*', 'EU'],
  ['storn\\w*', 'CREDIT_NOTE'],
  ['pa', 'PA'],
  ['fattura|fatture|invoices?', 'INVOICE'],
]);

const IT = lex([
  ['fatturare|fatturazione|fatturo|fattur[ai]|parcell[ae]', 'INVOICE'],
  ['fatturato|ricav[io]|guadagn\\w*|entrat[ae]', 'REVENUE'],
  ['incass\\w*|riscoss\\w*|riscuot\\w*', 'COLLECT'],
  ['pag(?:a|ano|o|are|ato|ata|ate|ati|amento|amenti|her\\w*)|vers(?:are|ato|ata|ate|amento|amenti|o)|sald(?:are|ato|ata|o)', 'PAY'],
  ['scad\\w*|entro', 'DEADLINE'],
  ['quando', 'WHEN'],
  ['trimestr\\w*', 'QUARTER'],
  ['mes[ei]|mensil\\w*', 'MONTH'],
  ['ann[oi]|annual\\w*', 'YEAR'],
  ['applic\\w*|addebit\\w*|mett\\w*|aggiung\\w*|inser\\w*|indic\\w*|dare|do', 'APPLY'],
  ['aliquot\\w*|percentual\\w*', 'RATE'],
  ['importo|importi|ammont\\w*|valore|vale|cifra', 'AMOUNT'],
  ['medi[oa]|mediamente|tipic\\w*', 'AVERAGE'],
  ['consulen\\w*', 'CONSULT'],
  ['client[ei]|committent\\w*', 'CLIENT'],
  ['aziend\\w*|societ\\w*|impres[ae]|ditt[ae]', 'COMPANY'],
  ['invi\\w*|trasmett\\w*|trasmess\\w*|spedi\\w*|mand\\w*', 'SEND'],
  ['giorn[oi]|tempo|tempi', 'DURATION'],
  ['registr\\w*|segn(?:o|are|ato)|annot\\w*', 'RECORD'],
  ['parzial\\w*|parte|meta', 'PARTIAL'],
  ['cancell\\w*|elimin\\w*|annull\\w*|togli\\w*|rimuov\\w*', 'DELETE'],
  ['accont\\w*', 'ADVANCE'],
  ['tass[ae]|impost[ae]|tribut\\w*|fisc\\w*', 'TAX'],
  ['reddit\\w*', 'INCOME'],
  ['termin[ei]', 'TERMS'],
  ['banc[ah]\\w*', 'BANK'],
  ['bonific\\w*', ['TRANSFER', 'PAY']],
  ['cont[oi]', 'ACCOUNT'],
  ['rimbors\\w*', 'REFUND'],
  ['dichiaraz\\w*', 'DECLARATION'],
  ['contribut\\w*|previdenz\\w*', 'CONTRIBUTION'],
  ['limit\\w*|sogli[ae]|tetto', 'LIMIT'],
  ['deduc\\w*|dedur\\w*|dedott\\w*|detra\\w*', 'DEDUCT'],
  ['telefon\\w*|cellular\\w*', 'PHONE'],
  ['emett\\w*|emess\\w*|emission\\w*', 'ISSUE'],
  ['cre(?:o|are|ato|ata|ate|ati)', 'CREATE'],
  ['ester[oaie]|stranier\\w*', 'FOREIGN'],
  ['privat[oi]', 'PRIVATE'],
  ['elettronic\\w*', 'ELECTRONIC'],
  ['sbagliat\\w*|errat\\w*|error\\w*', 'WRONG'],
  ['accettat\\w*', 'ACCEPT'],
  ['differit\\w*', 'DEFERRED'],
  ['nuov\\w*', 'NEW'],
  ['prodott\\w*|serviz\\w*|articol\\w*|listino|catalogo', 'PRODUCT'],
  ['vend\\w*', 'SELL'],
  ['e?mail', 'EMAIL'],
  ['sollecit\\w*', 'REMINDER'],
  ['document\\w*', 'DOCUMENT'],
  ['numer\\w*', 'NUMBER'],
  ['paes[ei]|stat[oi] membr\\w*', 'COUNTRY'],
]);

const EN = lex([
  ['invoic\\w*|bill(?:s|ing|ed)?', 'INVOICE'],
  ['revenues?|turnover|sales|earn\\w*|income', 'REVENUE'],
  ['collect\\w*', 'COLLECT'],
  ['pay|pays|paid|paying|payments?|settle\\w*', 'PAY'],
  ['due|deadlines?', 'DEADLINE'],
  ['when', 'WHEN'],
  ['quarter\\w*', 'QUARTER'],
  ['months?|monthly', 'MONTH'],
  ['years?|yearly|annual\\w*', 'YEAR'],
  ['apply|applied|applies|charg\\w*|add|adding|put|include\\w*|give', 'APPLY'],
  ['rates?|percent\\w*', 'RATE'],
  ['amounts?|value|worth|sum', 'AMOUNT'],
  ['average|typical\\w*', 'AVERAGE'],
  ['consult\\w*', 'CONSULT'],
  ['clients?|customers?', 'CLIENT'],
  ['compan\\w*|business\\w*|firms?', 'COMPANY'],
  ['send\\w*|sent|transmit\\w*|submit\\w*', 'SEND'],
  ['days?|time', 'DURATION'],
  ['record\\w*|register\\w*|log', 'RECORD'],
  ['partial\\w*|part|half', 'PARTIAL'],
  ['delet\\w*|remov\\w*|cancel\\w*|erase', 'DELETE'],
  ['advances?|prepay\\w*', 'ADVANCE'],
  ['tax|taxes', 'TAX'],
  ['terms?', 'TERMS'],
  ['bank\\w*', 'BANK'],
  ['transfers?|wire', ['TRANSFER', 'PAY']],
  ['accounts?', 'ACCOUNT'],
  ['refund\\w*', 'REFUND'],
  ['declaration', 'DECLARATION'],
  ['contribution\\w*|pension\\w*', 'CONTRIBUTION'],
  ['limit\\w*|threshold\\w*|cap', 'LIMIT'],
  ['deduct\\w*', 'DEDUCT'],
  ['phones?', 'PHONE'],
  ['issu\\w*', 'ISSUE'],
  ['creat\\w*|make|made', 'CREATE'],
  ['foreign|abroad|overseas', 'FOREIGN'],
  ['private|individuals?|consumers?', 'PRIVATE'],
  ['electronic', 'ELECTRONIC'],
  ['wrong|mistak\\w*|errors?|incorrect', 'WRONG'],
  ['accept\\w*|received', 'ACCEPT'],
  ['deferred', 'DEFERRED'],
  ['new', 'NEW'],
  ['products?|services?|items?|catalog\\w*', 'PRODUCT'],
  ['sell\\w*|sold', 'SELL'],
  ['e?mails?', 'EMAIL'],
  ['remind\\w*', 'REMINDER'],
  ['document\\w*', 'DOCUMENT'],
  ['numbers?', 'NUMBER'],
  ['countr\\w*', 'COUNTRY'],
]);

// Words that carry no topic in either language: function words, question words, modal verbs.
const NOISE = new Set(
  ('a ad al alla alle ai agli all allo con col da dal dalla dalle dai degli dei del della delle dello di e ed è gli i il in la le lo l ' +
    'mi ti ci si vi ne mio mia miei mie tuo tua nel nella nelle nei negli o per su sul sulla sui tra fra un una uno un che chi cosa cos ' +
    'come quale quali qual quanto quanta quanti quante sono sei siamo ho hai ha abbiamo avete hanno devo deve devono posso puo può puoi ' +
    'possiamo faccio fa fare fai si sì no non ma anche gia già solo ancora sempre di solito solitamente normalmente va vanno lo la ' +
    'funziona funzionano significa vuol dire dimmi mostrami elenca dammi qualcosa questo questa quest quello quella ecc ' +
    'the an and or of to in on for with from by at as is are was were be been am do does did i me my mine you your we our it its ' +
    'what whats which who how much many can could would should will shall may might must need needs have has had get got ' +
    'this that these those there here any some all another please tell show give me mean means meaning normally usually ' +
    'already still just only also s so if then than about into under over up out').split(' '),
);

/** The concepts of a question, each with its weight (weak concepts count half). */
export function questionConcepts(text: string, lang: Lang): ConceptSet {
  let folded = ` ${foldText(text)} `;
  const out: ConceptSet = new Map();
  const add = (c: string) => out.set(c, WEAK.has(c) ? 0.5 : 1);
  for (const [re, concepts] of PHRASES) {
    folded = folded.replace(re, () => {
      concepts.forEach(add);
      return ' ';
    });
  }
  const own = lang === 'it' ? IT : EN;
  const other = lang === 'it' ? EN : IT;
  for (const word of folded.split(' ')) {
    if (!word || NOISE.has(word)) continue;
    const hit = lookup(SHARED, word) ?? lookup(own, word);
    if (hit) hit.forEach(add);
    else if (word.length >= 3 && !/^\d+$/.test(word)) {
      // A word of the other language in a mixed question ("fattura" in English) still names its concept,
      // unless it is a function word of this one.
      const foreign = word.length >= 5 ? lookup(other, word) : null;
      if (foreign) foreign.forEach(add);
      else out.set(word, 1);
    }
  }
  return out;
}

function lookup(lexicon: Lexicon, word: string): string[] | null {
  for (const [re, concepts] of lexicon) if (re.test(word)) return concepts;
  return null;
}

/** Weighted Dice coefficient of two concept sets: 1 for the same concepts, 0 for none shared. */
export function conceptSimilarity(a: ConceptSet, b: ConceptSet): number {
  let shared = 0;
  let total = 0;
  for (const [c, w] of a) {
    total += w;
    if (b.has(c)) shared += Math.min(w, b.get(c)!);
  }
  for (const w of b.values()) total += w;
  return total ? (2 * shared) / total : 0;
}

/** Whether a folded word is ordinary vocabulary of questions (a function word or a known term), not a name. */
export function isVocabularyWord(word: string): boolean {
  if (NOISE.has(word)) return true;
  return [SHARED, IT, EN].some((l) => lookup(l, word) !== null);
}
