// The built-in (offline) provider: writes the answer's prose from the facts with templates, in
// Italian or English. Every figure in the text comes from the facts, so the prose can be checked
// against the database; an LLM provider falls back to this one when its server fails. Amounts are
// always grouped ("6.535,07 €", "€6,535.07"), counts agree through Intl.PluralRules, and the prose
// never sends the user to a command line: what the user can have done for them is an action (a
// button in the app, a command in the CLI).
import { DOCUMENT_STATUS_TEXT } from '../rag/document-builder';
import { formatDay } from './parse-period';
import type { Lang } from './parse-intent';
import type { AnswerFacts, AppliedCorrection, AssistantAction, InvoiceBrief, LearnedCorrection } from './assistant-types';

export interface ProseInput {
  question: string;
  lang: Lang;
  facts: AnswerFacts;
  learnedFrom: LearnedCorrection[];
  /** How the best matching correction changed the answer (already applied to the facts when a restriction). */
  applied: AppliedCorrection | null;
  actions: AssistantAction[];
  sources: { entityType: string; entityId: number; label: string }[];
  /** Earlier turns of the session, oldest first. */
  history: { question: string; answer: string }[];
}

export interface ProseProvider {
  readonly name: string;
  readonly model: string;
  write(input: ProseInput): Promise<string>;
}

// it-IT leaves four-digit amounts ungrouped ("6535,07 €") unless grouping is forced.
const EUR = {
  it: new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR', useGrouping: 'always' }),
  en: new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR', useGrouping: 'always' }),
};

export function money(cents: number, lang: Lang): string {
  return EUR[lang].format(cents / 100);
}

const LOCALE = { it: 'it-IT', en: 'en-GB' } as const;
const pct = (x: number, lang: Lang) => `${(x * 100).toLocaleString(LOCALE[lang], { maximumFractionDigits: 0 })}%`;
const num = (x: number, lang: Lang, digits = 1) => x.toLocaleString(LOCALE[lang], { maximumFractionDigits: digits, useGrouping: 'always' } as Intl.NumberFormatOptions);
const PLURALS = { it: new Intl.PluralRules('it-IT'), en: new Intl.PluralRules('en-GB') };

/** "1 fattura" / "3 fatture": the form Intl.PluralRules picks for the count, the count grouped. */
export function plural(count: number, lang: Lang, it: [string, string], en: [string, string]): string {
  const [one, other] = lang === 'it' ? it : en;
  return `${num(count, lang, 0)} ${PLURALS[lang].select(count) === 'one' ? one : other}`;
}
const n = plural;
const invoicesWord = (c: number, lang: Lang) => n(c, lang, ['fattura', 'fatture'], ['invoice', 'invoices']);
const daysWord = (d: number, lang: Lang, digits = 1) => `${num(d, lang, digits)} ${PLURALS[lang].select(Math.round(d * 10 ** digits) / 10 ** digits) === 'one' ? (lang === 'it' ? 'giorno' : 'day') : lang === 'it' ? 'giorni' : 'days'}`;

function invoiceLine(inv: InvoiceBrief, lang: Lang, mode: 'open' | 'plain'): string {
  const base = `${lang === 'it' ? 'Fattura' : 'Invoice'} ${inv.ref} — ${inv.clientName}, ${money(inv.totalCents, lang)}`;
  if (mode === 'plain') {
    const issued = lang === 'it' ? `emessa il ${formatDay(inv.issueDate, lang)}` : `issued ${formatDay(inv.issueDate, lang)}`;
    return `${base}, ${issued}, ${statusWord(inv.status, lang)}`;
  }
  const open = lang === 'it' ? `da incassare ${money(inv.outstandingCents, lang)}` : `${money(inv.outstandingCents, lang)} outstanding`;
  const due =
    inv.daysOverdue > 0
      ? lang === 'it'
        ? `scaduta da ${daysWord(inv.daysOverdue, lang, 0)}`
        : `${daysWord(inv.daysOverdue, lang, 0)} overdue`
      : lang === 'it'
        ? `scade il ${formatDay(inv.dueDate, lang)}`
        : `due ${formatDay(inv.dueDate, lang)}`;
  return `${base}, ${open}, ${due}`;
}

export function statusWord(status: string, lang: Lang): string {
  const it: Record<string, string> = { draft: 'bozza', issued: 'emessa', sent: 'inviata', partially_paid: 'pagata in parte', paid: 'pagata', cancelled: 'annullata' };
  const en: Record<string, string> = { draft: 'draft', issued: 'issued', sent: 'sent', partially_paid: 'partly paid', paid: 'paid', cancelled: 'cancelled' };
  return (lang === 'it' ? it : en)[status] ?? status;
}

const bullet = (lines: string[]) => lines.map((l) => `  • ${l}`).join('\n');

/** The prose for a set of facts (no learned corrections: the assistant appends those). */
export function writeFacts(f: AnswerFacts, lang: Lang): string {
  const it = lang === 'it';
  switch (f.intent) {
    case 'revenue': {
      const who = f.client ? (it ? ` da ${f.client.name}` : ` from ${f.client.name}`) : '';
      if (f.invoiceCount === 0) {
        return it
          ? `Nessuna fattura emessa${who} ${f.period.description}: il fatturato è ${money(0, lang)}.` +
              (f.collectedInPeriodCents ? ` Nel periodo hai comunque incassato ${money(f.collectedInPeriodCents, lang)} da fatture precedenti.` : '')
          : `No invoices issued${who} ${f.period.description}: revenue is ${money(0, lang)}.` +
              (f.collectedInPeriodCents ? ` You still collected ${money(f.collectedInPeriodCents, lang)} on earlier invoices in that period.` : '');
      }
      const credit = f.creditNoteCount
        ? it
          ? ` (al netto di ${n(f.creditNoteCount, lang, ['nota di credito', 'note di credito'], ['credit note', 'credit notes'])})`
          : ` (net of ${n(f.creditNoteCount, lang, ['nota di credito', 'note di credito'], ['credit note', 'credit notes'])})`
        : '';
      const drafts = f.draftsExcluded
        ? it
          ? ` Non conto ${n(f.draftsExcluded, lang, ['bozza', 'bozze'], ['draft', 'drafts'])}.`
          : ` ${n(f.draftsExcluded, lang, ['bozza', 'bozze'], ['draft', 'drafts'])} not counted.`
        : '';
      const issuedIt = n(f.invoiceCount, lang, ['fattura emessa', 'fatture emesse'], ['invoice', 'invoices']);
      const lead =
        f.basis === 'net'
          ? it
            ? `Il fatturato${who} ${f.period.description} senza IVA (imponibile) è ${money(f.netCents, lang)} su ${issuedIt}${credit}; IVA ${money(f.vatCents, lang)}, totale documento ${money(f.totalCents, lang)}. `
            : `Your revenue${who} ${f.period.description} before VAT is ${money(f.netCents, lang)} over ${invoicesWord(f.invoiceCount, lang)}${credit}; VAT ${money(f.vatCents, lang)}, ${money(f.totalCents, lang)} with VAT. `
          : it
            ? `Il fatturato${who} ${f.period.description} è ${money(f.totalCents, lang)} (totale documento, IVA inclusa) su ${issuedIt}${credit}: imponibile ${money(f.netCents, lang)}, IVA ${money(f.vatCents, lang)}. `
            : `Your revenue${who} ${f.period.description} is ${money(f.totalCents, lang)} (issued invoice totals, VAT included) over ${invoicesWord(f.invoiceCount, lang)}${credit}: ${money(f.netCents, lang)} net plus ${money(f.vatCents, lang)} VAT. `;
      return it
        ? lead +
            `Di queste fatture sono già stati incassati ${money(f.paidCents, lang)} e restano da incassare ${money(f.outstandingCents, lang)}${f.ritenutaCents ? ` (più ${money(f.ritenutaCents, lang)} di ritenuta d'acconto versata dai clienti al fisco)` : ''}. ` +
            `Incassato nel periodo (per data di pagamento, anche su fatture precedenti): ${money(f.collectedInPeriodCents, lang)}.${drafts}`
        : lead +
            `Of those invoices, ${money(f.paidCents, lang)} has been paid and ${money(f.outstandingCents, lang)} is still outstanding${f.ritenutaCents ? ` (plus ${money(f.ritenutaCents, lang)} of withholding tax your clients pay to the tax office)` : ''}. ` +
            `Cash collected in the period (by payment date, including earlier invoices): ${money(f.collectedInPeriodCents, lang)}.${drafts}`;
    }
    case 'average_invoice': {
      const scope = `${f.period ? ` ${f.period.description}` : it ? ' (tutte le fatture emesse)' : ' (all issued invoices)'}${f.client ? (it ? ` per ${f.client.name}` : ` for ${f.client.name}`) : ''}`;
      if (!f.invoiceCount) return it ? `Non ci sono fatture emesse${scope}, quindi nessun importo medio.` : `There are no issued invoices${scope}, so there is no average amount.`;
      const net = f.basis === 'net';
      return it
        ? `L'importo medio delle fatture${scope}${net ? ' senza IVA' : ''} è ${money(f.averageCents, lang)} (${net ? 'imponibile' : 'totale documento IVA inclusa'}, su ${invoicesWord(f.invoiceCount, lang)}, bozze, annullate e note di credito escluse). ` +
            `Mediana ${money(f.medianCents, lang)}, minimo ${money(f.minCents, lang)}, massimo ${money(f.maxCents, lang)}; totale ${money(f.totalCents, lang)}.`
        : `Your average invoice amount${scope}${net ? ' before VAT' : ''} is ${money(f.averageCents, lang)} (${net ? 'net amount' : 'document total incl. VAT'}, over ${invoicesWord(f.invoiceCount, lang)}; drafts, cancelled invoices and credit notes excluded). ` +
            `Median ${money(f.medianCents, lang)}, smallest ${money(f.minCents, lang)}, largest ${money(f.maxCents, lang)}; total ${money(f.totalCents, lang)}.`;
    }
    case 'unpaid':
    case 'overdue': {
      const who = f.client ? (it ? ` di ${f.client.name}` : ` for ${f.client.name}`) : '';
      const list = f.intent === 'overdue' ? f.invoices.filter((i) => i.overdueCents > 0) : f.invoices;
      if (f.intent === 'overdue' && f.overdueCount === 0) {
        return it
          ? `Nessuna fattura${who} è scaduta al ${formatDay(f.asOf, lang)}.` + (f.invoiceCount ? ` Ci sono ${invoicesWord(f.invoiceCount, lang)} ancora aperte, per ${money(f.outstandingCents, lang)}, non ancora scadute.` : '')
          : `No invoices${who} are overdue as of ${formatDay(f.asOf, lang)}.` + (f.invoiceCount ? ` ${invoicesWord(f.invoiceCount, lang)} (${money(f.outstandingCents, lang)}) are open but not yet due.` : '');
      }
      if (f.invoiceCount === 0) return it ? `Nessuna fattura${who} da incassare: è tutto pagato.` : `No unpaid invoices${who}: everything is paid.`;
      const head =
        f.intent === 'overdue'
          ? it
            ? `Al ${formatDay(f.asOf, lang)} ${f.overdueCount === 1 ? 'è scaduta' : 'sono scadute'} ${invoicesWord(f.overdueCount, lang)}${who}, per ${money(f.overdueCents, lang)} non pagati. In totale restano da incassare ${money(f.outstandingCents, lang)} su ${invoicesWord(f.invoiceCount, lang)} aperte.`
            : `As of ${formatDay(f.asOf, lang)}, ${invoicesWord(f.overdueCount, lang)}${who} ${f.overdueCount === 1 ? 'is' : 'are'} overdue, with ${money(f.overdueCents, lang)} unpaid. In all, ${money(f.outstandingCents, lang)} is outstanding over ${invoicesWord(f.invoiceCount, lang)}.`
          : it
            ? `Hai ${invoicesWord(f.invoiceCount, lang)}${who} non pagate (o pagate in parte) per ${money(f.outstandingCents, lang)} da incassare; di questi ${money(f.overdueCents, lang)} sono scaduti (${invoicesWord(f.overdueCount, lang)}).`
            : `You have ${invoicesWord(f.invoiceCount, lang)}${who} unpaid or partly paid, ${money(f.outstandingCents, lang)} outstanding; ${money(f.overdueCents, lang)} of it is overdue (${invoicesWord(f.overdueCount, lang)}).`;
      const byClient =
        !f.client && f.byClient.length > 1
          ? `\n${it ? 'Per cliente:' : 'By client:'}\n` +
            bullet(
              f.byClient.slice(0, 10).map((c) =>
                it
                  ? `${c.clientName}: ${money(f.intent === 'overdue' ? c.overdueCents : c.outstandingCents, lang)} (${invoicesWord(c.invoiceCount, lang)}${c.maxDaysOverdue ? `, la più vecchia scaduta da ${daysWord(c.maxDaysOverdue, lang, 0)}` : ''})`
                  : `${c.clientName}: ${money(f.intent === 'overdue' ? c.overdueCents : c.outstandingCents, lang)} (${invoicesWord(c.invoiceCount, lang)}${c.maxDaysOverdue ? `, oldest ${daysWord(c.maxDaysOverdue, lang, 0)} overdue` : ''})`,
              ),
            ) +
            (f.byClient.length > 10 ? `\n  … ${it ? `e altri ${f.byClient.length - 10} clienti` : `and ${f.byClient.length - 10} more clients`}` : '')
          : '';
      const invoices = list.length
        ? `\n${it ? 'Fatture:' : 'Invoices:'}\n` + bullet(list.slice(0, 10).map((i) => invoiceLine(i, lang, 'open'))) + (list.length > 10 ? `\n  … ${it ? `e altre ${list.length - 10}` : `and ${list.length - 10} more`}` : '')
        : '';
      return head + byClient + invoices;
    }
    case 'top_clients': {
      const scope = f.period ? ` ${f.period.description}` : it ? ' (da sempre)' : ' (all time)';
      if (!f.clients.length) return it ? `Nessun fatturato${scope}, quindi nessun cliente principale.` : `No revenue${scope}, so no top clients.`;
      return (
        (it ? `I tuoi clienti principali per fatturato${f.basis === 'net' ? ' senza IVA' : ''}${scope}:` : `Your top clients by revenue${f.basis === 'net' ? ' before VAT' : ''}${scope}:`) +
        '\n' +
        f.clients
          .map(
            (c, i) =>
              `  ${i + 1}. ${c.clientName}: ${money(c.revenueCents, lang)} (${pct(c.share, lang)}, ${invoicesWord(c.invoiceCount, lang)}` +
              (c.outstandingCents ? (it ? `, ${money(c.outstandingCents, lang)} da incassare)` : `, ${money(c.outstandingCents, lang)} outstanding)`) : ')'),
          )
          .join('\n') +
        `\n${it ? 'Fatturato totale del periodo' : 'Total revenue in the period'}: ${money(f.totalRevenueCents, lang)}.`
      );
    }
    case 'invoices_created': {
      const who = f.client ? (it ? ` per ${f.client.name}` : ` for ${f.client.name}`) : '';
      if (!f.invoices.length) return it ? `Nessuna fattura${who} creata o emessa ${f.period.description}.` : `No invoices${who} were created or issued ${f.period.description}.`;
      const head = it
        ? `${f.invoices.length === 1 ? 'Trovata' : 'Trovate'} ${invoicesWord(f.invoices.length, lang)}${who} ${f.period.description} (create: ${f.createdCount}, con data di emissione nel periodo: ${f.issuedCount}), per un totale di ${money(f.totalCents, lang)}:`
        : `${invoicesWord(f.invoices.length, lang)}${who} ${f.period.description} (created: ${f.createdCount}, issue date in the period: ${f.issuedCount}), ${money(f.totalCents, lang)} in total:`;
      return head + '\n' + bullet(f.invoices.slice(0, 20).map((i) => invoiceLine(i, lang, 'plain'))) + (f.invoices.length > 20 ? `\n  … ${it ? `e altre ${f.invoices.length - 20}` : `and ${f.invoices.length - 20} more`}` : '');
    }
    case 'client_history': {
      if (!f.client) {
        if (f.candidates.length)
          return (it ? 'Quale cliente intendi? Ho trovato:\n' : 'Which client do you mean? I found:\n') + bullet(f.candidates.map((c) => `${c.name}${c.partitaIva ? ` (P.IVA ${c.partitaIva})` : ''}`));
        return it ? 'Non ho trovato il cliente: indica la ragione sociale o la partita IVA.' : "I couldn't find that client: give its company name or VAT number (P.IVA).";
      }
      const c = f.client;
      const id = `${c.name}${c.partitaIva ? ` (P.IVA ${c.partitaIva}${c.city ? `, ${c.city}` : ''})` : c.city ? ` (${c.city})` : ''}`;
      if (!f.invoiceCount) return it ? `${id}: nessuna fattura finora. Termini di pagamento: ${daysWord(c.paymentTermsDays, lang, 0)}.` : `${id}: no invoices yet. Payment terms: ${daysWord(c.paymentTermsDays, lang, 0)}.`;
      const behaviour =
        f.paidInvoiceCount && f.avgDaysToPay !== null && f.avgDaysLate !== null && f.shareLate !== null
          ? it
            ? ` Paga in media ${daysWord(f.avgDaysToPay, lang)} dopo l'emissione, ${lateness(f.avgDaysLate, lang)}; ${pct(f.shareLate, lang)} delle fatture pagate in ritardo (su ${num(f.paidInvoiceCount, lang, 0)}).`
            : ` On average they pay ${daysWord(f.avgDaysToPay, lang)} after issue, ${lateness(f.avgDaysLate, lang)}; ${pct(f.shareLate, lang)} of paid invoices were late (of ${num(f.paidInvoiceCount, lang, 0)}).`
          : it
            ? ' Nessuna fattura ancora pagata per intero.'
            : ' No invoice fully paid yet.';
      const head = it
        ? `${id}: ${invoicesWord(f.invoiceCount, lang)} dal ${formatDay(f.firstIssueDate!, lang)} al ${formatDay(f.lastIssueDate!, lang)}, fatturato ${money(f.totalInvoicedCents, lang)}, incassato ${money(f.paidCents, lang)}, da incassare ${money(f.outstandingCents, lang)} (scaduto ${money(f.overdueCents, lang)}).`
        : `${id}: ${invoicesWord(f.invoiceCount, lang)} from ${formatDay(f.firstIssueDate!, lang)} to ${formatDay(f.lastIssueDate!, lang)}, ${money(f.totalInvoicedCents, lang)} invoiced, ${money(f.paidCents, lang)} paid, ${money(f.outstandingCents, lang)} outstanding (${money(f.overdueCents, lang)} overdue).`;
      return head + behaviour + `\n${it ? 'Ultime fatture:' : 'Latest invoices:'}\n` + bullet(f.recentInvoices.map((i) => invoiceLine(i, lang, i.outstandingCents ? 'open' : 'plain')));
    }
    case 'payment_behaviour': {
      const scope = f.period ? ` ${f.period.description}` : '';
      if (!f.paidInvoiceCount || f.avgDaysToPay === null || f.avgDaysLate === null || f.shareLate === null) {
        return it ? `Nessuna fattura pagata per intero${scope}: non posso ancora dire come pagano i clienti.` : `No invoice fully paid${scope} yet, so I can't tell how clients pay.`;
      }
      const head = it
        ? `In media i clienti pagano ${daysWord(f.avgDaysToPay, lang)} dopo l'emissione, ${lateness(f.avgDaysLate, lang)}; ${pct(f.shareLate, lang)} delle fatture è pagato in ritardo (su ${invoicesWord(f.paidInvoiceCount, lang)} pagate${scope}).`
        : `On average clients pay ${daysWord(f.avgDaysToPay, lang)} after issue, ${lateness(f.avgDaysLate, lang)}; ${pct(f.shareLate, lang)} of invoices are paid late (of ${invoicesWord(f.paidInvoiceCount, lang)} paid${scope}).`;
      const slow = f.clients.filter((c) => c.avgDaysLate > 0);
      if (!slow.length) return head;
      return (
        head +
        `\n${it ? 'Chi paga più in ritardo:' : 'The latest payers:'}\n` +
        bullet(
          slow.map((c) =>
            it
              ? `${c.clientName}: ${lateness(c.avgDaysLate, lang)} in media, ${pct(c.shareLate, lang)} in ritardo (${invoicesWord(c.paidInvoiceCount, lang)})`
              : `${c.clientName}: ${lateness(c.avgDaysLate, lang)} on average, ${pct(c.shareLate, lang)} late (${invoicesWord(c.paidInvoiceCount, lang)})`,
          ),
        )
      );
    }
    case 'forecast': {
      const basis =
        f.basis === 'model'
          ? it
            ? `secondo il modello di cash flow (versione ${f.modelVersion})`
            : `according to the cash-flow model (version ${f.modelVersion})`
          : f.modelMissing
            ? it
              ? 'in base alle scadenze, perché il modello di cash flow non è ancora addestrato'
              : "based on due dates, because the cash-flow model isn't trained yet"
            : it
              ? 'in base alle scadenze'
              : 'based on due dates';
      if (!f.invoiceCount) return it ? `Nessun incasso previsto nei prossimi ${daysWord(f.horizonDays, lang, 0)} ${basis}.` : `No cash-in expected in the next ${daysWord(f.horizonDays, lang, 0)} ${basis}.`;
      return (
        (it
          ? `Nei prossimi ${daysWord(f.horizonDays, lang, 0)} prevedi di incassare ${money(f.expectedCents, lang)} da ${invoicesWord(f.invoiceCount, lang)}, ${basis}. Per settimana:`
          : `In the next ${daysWord(f.horizonDays, lang, 0)} you can expect ${money(f.expectedCents, lang)} from ${invoicesWord(f.invoiceCount, lang)}, ${basis}. By week:`) +
        '\n' +
        bullet(f.byWeek.map((w) => `${it ? 'settimana del' : 'week of'} ${formatDay(w.weekStart, lang)}: ${money(w.cents, lang)}`))
      );
    }
    case 'count': {
      const scope = f.period ? ` ${f.period.description}` : '';
      const subject = {
        invoices: it ? ['fattura', 'fatture'] : ['invoice', 'invoices'],
        clients: it ? ['cliente', 'clienti'] : ['client', 'clients'],
        products: it ? ['prodotto', 'prodotti'] : ['product', 'products'],
      }[f.subject] as [string, string];
      const status = f.byStatus
        ? ` (${Object.entries(f.byStatus)
            .map(([s, c]) => `${statusWord(s, lang)}: ${num(c, lang, 0)}`)
            .join(', ')})`
        : '';
      return it ? `Hai ${n(f.count, lang, subject, subject)}${scope}${status}.` : `You have ${n(f.count, lang, subject, subject)}${scope}${status}.`;
    }
    case 'search': {
      if (!f.hits.length && f.retrieval === 'hybrid' && f.indexedDocuments === 0) {
        return it
          ? "L'indice della conoscenza è vuoto: non c'è ancora nessun documento in cui cercare. Costruiscilo e chiedimelo di nuovo."
          : "The knowledge index is empty: there are no records to search yet. Build it and ask me again.";
      }
      if (!f.hits.length) {
        return (
          (it ? 'Non ho trovato record pertinenti' : "I couldn't find matching records") +
          (f.note ? ` (${f.note})` : '') +
          (it
            ? '. Puoi chiedermi: fatturato di un periodo, importo medio, fatture non pagate o scadute, clienti principali, fatture create oggi, lo storico di un cliente, la previsione di incasso.'
            : '. You can ask about revenue over a period, the average invoice, unpaid or overdue invoices, top clients, invoices created today, a client’s history, or the cash-flow forecast.')
        );
      }
      const count = (type: string, one: string, many: string) => {
        const k = f.hits.filter((h) => h.entityType === type).length;
        return k ? [n(k, lang, [one, many], [one, many])] : [];
      };
      const kinds = [
        ...count('invoice', it ? 'fattura' : 'invoice', it ? 'fatture' : 'invoices'),
        ...count('client', it ? 'cliente' : 'client', it ? 'clienti' : 'clients'),
        ...count('product', it ? 'prodotto' : 'product', it ? 'prodotti' : 'products'),
      ].join(', ');
      return (
        (it ? `I record più pertinenti (${kinds}), dal più vicino alla domanda:` : `The most relevant records (${kinds}), closest first:`) +
        '\n' +
        bullet(f.hits.map((h) => `${h.label} — ${h.snippet}`))
      );
    }
  }
}

/** "12 giorni dopo la scadenza" / "3 days before the due date" / "on the due date". */
function lateness(days: number, lang: Lang): string {
  if (Math.abs(days) < 0.05) return lang === 'it' ? 'alla scadenza' : 'on the due date';
  if (days > 0) return lang === 'it' ? `${daysWord(days, lang)} dopo la scadenza` : `${daysWord(days, lang)} after the due date`;
  return lang === 'it' ? `${daysWord(-days, lang)} prima della scadenza` : `${daysWord(-days, lang)} before the due date`;
}

/**
 * The sentence an answer shaped by a correction starts with: a restriction says what was applied
 * (the figures below already follow it); a fact is stated first, the data's figure following it.
 */
export function writeCorrectionLead(a: AppliedCorrection, lang: Lang): string {
  const day = formatDay(a.createdAt.slice(0, 10), lang);
  if (a.kind === 'restriction') {
    return lang === 'it'
      ? `Applico la tua correzione del ${day} (“${a.correction}”): ${a.description}.`
      : `Applying your correction of ${day} (“${a.correction}”): ${a.description}.`;
  }
  return lang === 'it'
    ? `Secondo la tua correzione del ${day}: ${a.correction}\n\nI dati registrati, che non ne tengono conto, dicono:`
    : `According to your correction of ${day}: ${a.correction}\n\nThe recorded data, which does not include it, shows:`;
}

/** The whole answer: the correction's lead, if any, then the prose of the facts. */
export function writeAnswer(input: Pick<ProseInput, 'facts' | 'lang' | 'applied'>): string {
  const facts = writeFacts(input.facts, input.lang);
  if (!input.applied) return facts;
  return `${writeCorrectionLead(input.applied, input.lang)}${input.applied.kind === 'fact' ? '\n' : '\n\n'}${facts}`;
}

/**
 * A stored document's text as the user should read it: the index keeps both languages' words for an
 * invoice's state ("pagata (paid)") so either language finds it; an answer shows only its own.
 */
export function cleanDocumentText(text: string, lang: Lang): string {
  let out = text;
  for (const both of [...Object.values(DOCUMENT_STATUS_TEXT), 'contestata (disputed)']) {
    const m = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(both);
    if (m) out = out.split(both).join(lang === 'it' ? m[1]! : m[2]!);
  }
  return out;
}

/** Offline provider: template prose from the facts. */
export class BuiltinProvider implements ProseProvider {
  readonly name = 'builtin';
  readonly model = 'templates';
  async write(input: ProseInput): Promise<string> {
    return writeAnswer(input);
  }
}
