// The built-in (offline) provider: writes the answer's prose from the facts with templates, in
// Italian or English. Every figure in the text comes from the facts, so the prose can be checked
// against the database; an LLM provider falls back to this one when its server fails.
import { formatDay } from './parse-period';
import type { Lang } from './parse-intent';
import type { AnswerFacts, InvoiceBrief, LearnedCorrection } from './assistant-types';

export interface ProseInput {
  question: string;
  lang: Lang;
  facts: AnswerFacts;
  learnedFrom: LearnedCorrection[];
  sources: { entityType: string; entityId: number; label: string }[];
  /** Earlier turns of the session, oldest first. */
  history: { question: string; answer: string }[];
}

export interface ProseProvider {
  readonly name: string;
  readonly model: string;
  write(input: ProseInput): Promise<string>;
}

const EUR = {
  it: new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' }),
};

export function money(cents: number, lang: Lang): string {
  return EUR[lang].format(cents / 100);
}

const pct = (x: number, lang: Lang) => `${(x * 100).toLocaleString(lang === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: 0 })}%`;
const num = (x: number, lang: Lang, digits = 1) => x.toLocaleString(lang === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: digits });

/** "the invoice" / "le fatture" pluralisation. */
function n(count: number, lang: Lang, it: [string, string], en: [string, string]): string {
  const [one, many] = lang === 'it' ? it : en;
  return `${count} ${count === 1 ? one : many}`;
}
const invoicesWord = (c: number, lang: Lang) => n(c, lang, ['fattura', 'fatture'], ['invoice', 'invoices']);

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
        ? `scaduta da ${inv.daysOverdue} giorni`
        : `${inv.daysOverdue} days overdue`
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
      return it
        ? `Il fatturato${who} ${f.period.description} è ${money(f.totalCents, lang)} (totale documento, IVA inclusa) su ${invoicesWord(f.invoiceCount, lang)} emesse${credit}: imponibile ${money(f.netCents, lang)}, IVA ${money(f.vatCents, lang)}. ` +
            `Di queste fatture sono già stati incassati ${money(f.paidCents, lang)} e restano da incassare ${money(f.outstandingCents, lang)}${f.ritenutaCents ? ` (più ${money(f.ritenutaCents, lang)} di ritenuta d'acconto versata dai clienti al fisco)` : ''}. ` +
            `Incassato nel periodo (per data di pagamento, anche su fatture precedenti): ${money(f.collectedInPeriodCents, lang)}.${drafts}`
        : `Your revenue${who} ${f.period.description} is ${money(f.totalCents, lang)} (issued invoice totals, VAT included) over ${invoicesWord(f.invoiceCount, lang)}${credit}: ${money(f.netCents, lang)} net plus ${money(f.vatCents, lang)} VAT. ` +
            `Of those invoices, ${money(f.paidCents, lang)} has been paid and ${money(f.outstandingCents, lang)} is still outstanding${f.ritenutaCents ? ` (plus ${money(f.ritenutaCents, lang)} of withholding tax your clients pay to the tax office)` : ''}. ` +
            `Cash collected in the period (by payment date, including earlier invoices): ${money(f.collectedInPeriodCents, lang)}.${drafts}`;
    }
    case 'average_invoice': {
      const scope = `${f.period ? ` ${f.period.description}` : it ? ' (tutte le fatture emesse)' : ' (all issued invoices)'}${f.client ? (it ? ` per ${f.client.name}` : ` for ${f.client.name}`) : ''}`;
      if (!f.invoiceCount) return it ? `Non ci sono fatture emesse${scope}, quindi nessun importo medio.` : `There are no issued invoices${scope}, so there is no average amount.`;
      return it
        ? `L'importo medio delle fatture${scope} è ${money(f.averageCents, lang)} (totale documento IVA inclusa, su ${invoicesWord(f.invoiceCount, lang)}, bozze, annullate e note di credito escluse). ` +
            `Mediana ${money(f.medianCents, lang)}, minimo ${money(f.minCents, lang)}, massimo ${money(f.maxCents, lang)}; totale ${money(f.totalCents, lang)}.`
        : `Your average invoice amount${scope} is ${money(f.averageCents, lang)} (document total incl. VAT, over ${invoicesWord(f.invoiceCount, lang)}; drafts, cancelled invoices and credit notes excluded). ` +
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
                  ? `${c.clientName}: ${money(f.intent === 'overdue' ? c.overdueCents : c.outstandingCents, lang)} (${invoicesWord(c.invoiceCount, lang)}${c.maxDaysOverdue ? `, la più vecchia scaduta da ${c.maxDaysOverdue} giorni` : ''})`
                  : `${c.clientName}: ${money(f.intent === 'overdue' ? c.overdueCents : c.outstandingCents, lang)} (${invoicesWord(c.invoiceCount, lang)}${c.maxDaysOverdue ? `, oldest ${c.maxDaysOverdue} days overdue` : ''})`,
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
        (it ? `I tuoi clienti principali per fatturato${scope}:` : `Your top clients by revenue${scope}:`) +
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
      if (!f.invoiceCount) return it ? `${id}: nessuna fattura finora. Termini di pagamento: ${c.paymentTermsDays} giorni.` : `${id}: no invoices yet. Payment terms: ${c.paymentTermsDays} days.`;
      const behaviour =
        f.paidInvoiceCount && f.avgDaysToPay !== null && f.avgDaysLate !== null && f.shareLate !== null
          ? it
            ? ` Paga in media in ${num(f.avgDaysToPay, lang)} giorni dall'emissione, ${f.avgDaysLate > 0 ? `${num(f.avgDaysLate, lang)} giorni dopo la scadenza` : f.avgDaysLate < 0 ? `${num(-f.avgDaysLate, lang)} giorni prima della scadenza` : 'alla scadenza'}; ${pct(f.shareLate, lang)} delle fatture pagate in ritardo (su ${f.paidInvoiceCount}).`
            : ` On average they pay ${num(f.avgDaysToPay, lang)} days after issue, ${f.avgDaysLate > 0 ? `${num(f.avgDaysLate, lang)} days after the due date` : f.avgDaysLate < 0 ? `${num(-f.avgDaysLate, lang)} days before the due date` : 'on the due date'}; ${pct(f.shareLate, lang)} of paid invoices were late (of ${f.paidInvoiceCount}).`
          : it
            ? ' Nessuna fattura ancora pagata per intero.'
            : ' No invoice fully paid yet.';
      const head = it
        ? `${id}: ${invoicesWord(f.invoiceCount, lang)} dal ${formatDay(f.firstIssueDate!, lang)} al ${formatDay(f.lastIssueDate!, lang)}, fatturato ${money(f.totalInvoicedCents, lang)}, incassato ${money(f.paidCents, lang)}, da incassare ${money(f.outstandingCents, lang)} (scaduto ${money(f.overdueCents, lang)}).`
        : `${id}: ${invoicesWord(f.invoiceCount, lang)} from ${formatDay(f.firstIssueDate!, lang)} to ${formatDay(f.lastIssueDate!, lang)}, ${money(f.totalInvoicedCents, lang)} invoiced, ${money(f.paidCents, lang)} paid, ${money(f.outstandingCents, lang)} outstanding (${money(f.overdueCents, lang)} overdue).`;
      return head + behaviour + `\n${it ? 'Ultime fatture:' : 'Latest invoices:'}\n` + bullet(f.recentInvoices.map((i) => invoiceLine(i, lang, i.outstandingCents ? 'open' : 'plain')));
    }
    case 'forecast': {
      const basis =
        f.basis === 'model'
          ? it
            ? `secondo il modello di cash flow (versione ${f.modelVersion})`
            : `according to the cash-flow model (version ${f.modelVersion})`
          : it
            ? 'in base alle scadenze (il modello di cash flow non è ancora addestrato: esegui `openfatture ai forecast --retrain`)'
            : "based on due dates (the cash-flow model isn't trained yet: run `openfatture ai forecast --retrain`)";
      if (!f.invoiceCount) return it ? `Nessun incasso previsto nei prossimi ${f.horizonDays} giorni ${basis}.` : `No cash-in expected in the next ${f.horizonDays} days ${basis}.`;
      return (
        (it
          ? `Nei prossimi ${f.horizonDays} giorni prevedi di incassare ${money(f.expectedCents, lang)} da ${invoicesWord(f.invoiceCount, lang)}, ${basis}. Per settimana:`
          : `In the next ${f.horizonDays} days you can expect ${money(f.expectedCents, lang)} from ${invoicesWord(f.invoiceCount, lang)}, ${basis}. By week:`) +
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
            .map(([s, c]) => `${statusWord(s, lang)}: ${c}`)
            .join(', ')})`
        : '';
      return it ? `Hai ${n(f.count, lang, subject, subject)}${scope}${status}.` : `You have ${n(f.count, lang, subject, subject)}${scope}${status}.`;
    }
    case 'search': {
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
        return k ? [`${k} ${k === 1 ? one : many}`] : [];
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

/** How learned corrections are shown and applied: the corrected statement stands with the answer. */
export function writeLearned(learned: readonly LearnedCorrection[], lang: Lang): string {
  if (!learned.length) return '';
  return (
    '\n\n' +
    learned
      .map((l) =>
        lang === 'it'
          ? `Appreso dalla tua correzione del ${formatDay(l.createdAt.slice(0, 10), lang)} (su “${l.question}”): ${l.correction}`
          : `Learned from your correction on ${l.createdAt.slice(0, 10)} (on “${l.question}”): ${l.correction}`,
      )
      .join('\n')
  );
}

/** Offline provider: template prose from the facts. */
export class BuiltinProvider implements ProseProvider {
  readonly name = 'builtin';
  readonly model = 'templates';
  async write(input: ProseInput): Promise<string> {
    return writeFacts(input.facts, input.lang) + writeLearned(input.learnedFrom, input.lang);
  }
}
