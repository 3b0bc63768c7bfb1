// The assistant (`ai chat`, the GUI's Assistant page): reads a business question, answers it from
// the database (read-only queries) with its sources, grounds free questions with hybrid retrieval,
// shows and applies past corrections to similar questions, and lets a provider write the prose
// (built-in templates offline, or an OpenAI-compatible server with a visible fallback).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { addDays, daysBetween, startOfWeek, todayIso } from '../dates';
import type { DB } from '../db/schema';
import { InputError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type {
  AnswerFacts,
  AnswerSource,
  AskInput,
  AssistantAnswer,
  CashFlowForecastPort,
  ClientOpenSummary,
  ClientRef,
  InvoiceBrief,
  PeriodFacts,
  QuestionEmbedder,
  Retriever,
  SourceType,
} from './assistant-types';
import { BuiltinProvider, writeLearned, type ProseProvider } from './builtin-provider';
import { BusinessQueries, CREDIT_NOTE_TYPE, signedTotal, type InvoiceFigures } from './business-queries';
import { ClientMatcher, type ClientMatch } from './client-matcher';
import { contentTokens, CorrectionMemory, type CorrectionMemoryOptions } from './correction-memory';
import { parseIntent, type Intent, type Lang, type ParsedQuestion } from './parse-intent';
import { describePeriod, type Period } from './parse-period';
import { invoiceLabel } from '../domain/invoice-number';

export const MAX_QUESTION_LENGTH = 2_000;
/** Sources listed with one answer; the facts keep the full counts. */
export const MAX_SOURCES = 25;
const DEFAULT_FORECAST_DAYS = 30;
const HISTORY_TURNS = 6;
const FOLLOW_UP_MAX_WORDS = 8;
/** Conversations remembered at once (a long-running app forgets the least recently used). */
const MAX_SESSIONS = 500;

export interface AssistantOptions {
  db: Kysely<DB>;
  logger?: Logger;
  /** Writes the prose; built-in templates when missing. Called per answer so settings apply live. */
  provider?: () => ProseProvider;
  retriever?: Retriever | null;
  embedder?: QuestionEmbedder | null;
  forecaster?: CashFlowForecastPort | null;
  /** Today's date (OPENFATTURE_TODAY honoured by default). */
  today?: () => string;
  corrections?: CorrectionMemoryOptions;
}

export class Assistant {
  private readonly queries: BusinessQueries;
  private readonly clientsMatcher: ClientMatcher;
  private readonly memory: CorrectionMemory;
  private readonly builtin = new BuiltinProvider();
  private readonly sessions = new Map<string, { question: string; answer: string }[]>();
  private readonly lastReadings = new Map<string, { intent: Intent; period: Period | null; client: ClientRef | null; lang: Lang }>();

  constructor(private readonly options: AssistantOptions) {
    this.queries = new BusinessQueries(options.db);
    this.clientsMatcher = new ClientMatcher(this.queries);
    this.memory = new CorrectionMemory(options.db, options.embedder ?? null, options.logger, options.corrections);
  }

  async ask(input: AskInput): Promise<AssistantAnswer> {
    const question = validateQuestion(input);
    const today = (this.options.today ?? todayIso)();
    const sessionId = input.sessionId ?? randomUUID();
    const previous = this.lastReadings.get(sessionId);
    // Words of no clear language ("ok, and Q2?") keep the conversation's language.
    const parsed = parseIntent(question, today, input.language ?? previous?.lang ?? 'en');
    const lang: Lang = input.language ?? parsed.lang;
    const notes: string[] = [];

    let match = await this.clientsMatcher.match(question, parsed);
    // A short follow-up ("and last month?", "e per Rossi?") keeps the session's previous question
    // and changes only the period or the client it names.
    let reading = parsed;
    if (previous && parsed.intent === 'search' && (parsed.period || match.client) && question.split(/\s+/).length <= FOLLOW_UP_MAX_WORDS) {
      reading = { ...parsed, intent: previous.intent, period: parsed.period ?? previous.period };
      if (!match.client && previous.client) match = { client: previous.client, candidates: [] };
    }
    const { facts, sources } = await this.answerFacts(reading, match, question, lang, today, notes);
    remember(this.lastReadings, sessionId, { intent: facts.intent, period: reading.period, client: match.client, lang });
    const learned = await this.memory.find(question, today);
    if (learned.note) notes.push(learned.note);

    const history = this.sessions.get(sessionId) ?? [];
    let provider: ProseProvider = this.builtin;
    try {
      provider = this.options.provider?.() ?? this.builtin;
    } catch (e) {
      // A misconfigured provider (bad AI_BASE_URL) must not cost the user the answer.
      notes.push(providerNote(lang, 'AI_PROVIDER', errorMessage(e)));
    }
    const shownSources = sources.slice(0, MAX_SOURCES);
    const proseInput = { question, lang, facts, learnedFrom: learned.matches, sources: shownSources, history: [...history] };
    let answer: string;
    let providerName = provider.name;
    let model = provider.model;
    try {
      answer = await provider.write(proseInput);
    } catch (e) {
      if (provider === this.builtin) throw e;
      const note = providerNote(lang, `${provider.name} (${provider.model})`, errorMessage(e));
      this.options.logger?.warn(`Assistant: ${note}`);
      notes.push(note);
      answer = await this.builtin.write(proseInput);
      providerName = this.builtin.name;
      model = this.builtin.model;
    }
    // An LLM may leave corrections out; they must be visible with every answer that used them.
    if (learned.matches.length && providerName !== this.builtin.name && !learned.matches.every((l) => answer.includes(l.correction))) {
      answer += writeLearned(learned.matches, lang);
    }
    history.push({ question, answer });
    remember(this.sessions, sessionId, history.slice(-HISTORY_TURNS));

    return {
      answer,
      sources: shownSources,
      moreSources: sources.length - shownSources.length,
      intent: facts.intent,
      language: lang,
      facts,
      ...(learned.matches.length ? { learnedFrom: learned.matches } : {}),
      provider: providerName,
      model,
      notes,
      sessionId,
      messageId: randomUUID(),
    };
  }

  /** Forgets a session's turns (the GUI's "new chat"). */
  endSession(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.lastReadings.delete(sessionId);
  }

  private async answerFacts(
    parsed: ParsedQuestion,
    match: ClientMatch,
    question: string,
    lang: Lang,
    today: string,
    notes: string[],
  ): Promise<{ facts: AnswerFacts; sources: AnswerSource[] }> {
    const client = match.client;
    let intent = parsed.intent;
    // A question that only names a client ("Rossi Srl?", "tell me about 01234567897") is about that client.
    if (intent === 'search' && (client || match.candidates.length)) intent = 'client_history';
    const period = parsed.period;
    switch (intent) {
      case 'revenue':
        return this.revenue(period ?? monthOf(today), client, lang, today);
      case 'average_invoice':
        return this.average(period, client, lang, today);
      case 'unpaid':
      case 'overdue':
        return this.open(intent, client, lang, today);
      case 'top_clients':
        return this.topClients(period, parsed.limit ?? 5, lang, today);
      case 'invoices_created':
        return this.created(period ?? { kind: 'day', from: today, to: today, matched: '' }, client, lang, today);
      case 'client_history':
        return this.clientHistory(match, lang, today);
      case 'forecast':
        return this.forecast(parsed.horizonDays ?? DEFAULT_FORECAST_DAYS, lang, today, notes);
      case 'count':
        return this.count(parsed.countSubject ?? 'invoices', period, lang);
      default:
        return this.search(question, lang, notes);
    }
  }

  private async revenue(period: Period, client: ClientRef | null, lang: Lang, today: string) {
    const all = await this.queries.invoices({ issuedFrom: period.from, issuedTo: period.to, clientId: client?.id }, today);
    const issued = all.filter(isIssued);
    const collected = await this.queries.collected(period.from, period.to);
    const collectedForClient = client ? await this.collectedFor(client.id, period) : collected.cents;
    const facts: AnswerFacts = {
      intent: 'revenue',
      period: periodFacts(period, lang),
      client,
      invoiceCount: issued.length,
      creditNoteCount: issued.filter((f) => f.documentType === CREDIT_NOTE_TYPE).length,
      totalCents: sum(issued, signedTotal),
      netCents: sum(issued, (f) => (f.documentType === CREDIT_NOTE_TYPE ? -f.netCents : f.netCents)),
      vatCents: sum(issued, (f) => (f.documentType === CREDIT_NOTE_TYPE ? -f.vatCents : f.vatCents)),
      paidCents: sum(issued, (f) => (f.documentType === CREDIT_NOTE_TYPE ? 0 : f.paidCents)),
      outstandingCents: sum(issued, (f) => f.outstandingCents),
      ritenutaCents: sum(issued, (f) => (f.documentType === CREDIT_NOTE_TYPE ? 0 : f.ritenutaCents)),
      collectedInPeriodCents: collectedForClient,
      draftsExcluded: all.filter((f) => f.status === 'draft').length,
    };
    return { facts, sources: [...clientSources(client), ...invoiceSources(issued, lang)] };
  }

  private async collectedFor(clientId: number, period: Period): Promise<number> {
    // Receipts in the period on this client's invoices, whatever their issue date.
    const invoices = await this.queries.invoices({ clientId, issuedOnly: true }, period.to);
    const ids = new Set(invoices.map((i) => i.id));
    const rows = await this.options.db
      .selectFrom('payments')
      .select(['invoice_id', 'paid_amount_cents'])
      .where('paid_date', '>=', period.from)
      .where('paid_date', '<=', period.to)
      .execute();
    return rows.filter((r) => ids.has(r.invoice_id)).reduce((s, r) => s + r.paid_amount_cents, 0);
  }

  private async average(period: Period | null, client: ClientRef | null, lang: Lang, today: string) {
    const rows = (await this.queries.invoices({ issuedFrom: period?.from, issuedTo: period?.to, clientId: client?.id, issuedOnly: true }, today)).filter(
      (f) => f.documentType !== CREDIT_NOTE_TYPE,
    );
    const totals = rows.map((f) => f.totalCents).sort((a, b) => a - b);
    const total = totals.reduce((s, x) => s + x, 0);
    const mid = totals.length >> 1;
    const facts: AnswerFacts = {
      intent: 'average_invoice',
      period: period ? periodFacts(period, lang) : null,
      client,
      invoiceCount: rows.length,
      averageCents: rows.length ? Math.round(total / rows.length) : 0,
      medianCents: !rows.length ? 0 : totals.length % 2 ? totals[mid]! : Math.round((totals[mid - 1]! + totals[mid]!) / 2),
      minCents: totals[0] ?? 0,
      maxCents: totals[totals.length - 1] ?? 0,
      totalCents: total,
    };
    return { facts, sources: [...clientSources(client), ...invoiceSources(rows, lang)] };
  }

  private async open(intent: 'unpaid' | 'overdue', client: ClientRef | null, lang: Lang, today: string) {
    const open = await this.queries.openInvoices(today, client?.id);
    const overdue = open.filter((f) => f.overdueCents > 0);
    const byClient = new Map<number, ClientOpenSummary>();
    for (const f of intent === 'overdue' ? overdue : open) {
      const c = byClient.get(f.clientId) ?? { clientId: f.clientId, clientName: f.clientName, invoiceCount: 0, outstandingCents: 0, overdueCents: 0, maxDaysOverdue: 0 };
      c.invoiceCount++;
      c.outstandingCents += f.outstandingCents;
      c.overdueCents += f.overdueCents;
      c.maxDaysOverdue = Math.max(c.maxDaysOverdue, f.daysOverdue);
      byClient.set(f.clientId, c);
    }
    const key = intent === 'overdue' ? 'overdueCents' : 'outstandingCents';
    const listed = (intent === 'overdue' ? [...overdue].sort((a, b) => b.daysOverdue - a.daysOverdue || a.id - b.id) : open).map(brief);
    const facts: AnswerFacts = {
      intent,
      asOf: today,
      client,
      invoiceCount: open.length,
      outstandingCents: sum(open, (f) => f.outstandingCents),
      overdueCount: overdue.length,
      overdueCents: sum(overdue, (f) => f.overdueCents),
      byClient: [...byClient.values()].sort((a, b) => b[key] - a[key] || a.clientId - b.clientId),
      invoices: listed,
    };
    const used = intent === 'overdue' ? overdue : open;
    return { facts, sources: [...clientSources(client), ...invoiceSources(intent === 'overdue' ? [...overdue].sort((a, b) => b.daysOverdue - a.daysOverdue) : used, lang)] };
  }

  private async topClients(period: Period | null, limit: number, lang: Lang, today: string) {
    const rows = (await this.queries.invoices({ issuedFrom: period?.from, issuedTo: period?.to, issuedOnly: true }, today));
    const per = new Map<number, { clientId: number; clientName: string; invoiceCount: number; revenueCents: number; outstandingCents: number }>();
    for (const f of rows) {
      const c = per.get(f.clientId) ?? { clientId: f.clientId, clientName: f.clientName, invoiceCount: 0, revenueCents: 0, outstandingCents: 0 };
      c.invoiceCount++;
      c.revenueCents += signedTotal(f);
      c.outstandingCents += f.outstandingCents;
      per.set(f.clientId, c);
    }
    const total = sum(rows, signedTotal);
    const top = [...per.values()]
      .sort((a, b) => b.revenueCents - a.revenueCents || a.clientId - b.clientId)
      .slice(0, Math.max(1, Math.min(limit, 50)))
      .map((c) => ({ ...c, share: total > 0 ? c.revenueCents / total : 0 }));
    const facts: AnswerFacts = { intent: 'top_clients', period: period ? periodFacts(period, lang) : null, totalRevenueCents: total, clients: top };
    return { facts, sources: top.map((c): AnswerSource => ({ entityType: 'client', entityId: c.clientId, label: c.clientName })) };
  }

  private async created(period: Period, client: ClientRef | null, lang: Lang, today: string) {
    const rows = (await this.queries.invoicesCreatedOrIssued(period.from, period.to, today)).filter((f) => !client || f.clientId === client.id);
    const facts: AnswerFacts = {
      intent: 'invoices_created',
      period: periodFacts(period, lang),
      client,
      createdCount: rows.filter((f) => f.matchedBy !== 'issued').length,
      issuedCount: rows.filter((f) => f.matchedBy !== 'created').length,
      totalCents: sum(rows.filter(isIssued), signedTotal),
      invoices: rows.map((f) => ({ ...brief(f), matchedBy: f.matchedBy, createdDay: f.createdDay })),
    };
    return { facts, sources: [...clientSources(client), ...invoiceSources(rows, lang)] };
  }

  private async clientHistory(match: ClientMatch, lang: Lang, today: string) {
    const empty = {
      intent: 'client_history' as const,
      invoiceCount: 0, totalInvoicedCents: 0, paidCents: 0, outstandingCents: 0, overdueCents: 0, paidInvoiceCount: 0,
      avgDaysToPay: null, avgDaysLate: null, shareLate: null, firstIssueDate: null, lastIssueDate: null, recentInvoices: [],
    };
    if (!match.client) {
      const facts: AnswerFacts = { ...empty, client: null, candidates: match.candidates };
      return { facts, sources: match.candidates.map((c): AnswerSource => ({ entityType: 'client', entityId: c.id, label: c.name })) };
    }
    const row = (await this.queries.client(match.client.id))!;
    const rows = (await this.queries.invoices({ clientId: row.id, issuedOnly: true }, today)).filter((f) => f.documentType !== CREDIT_NOTE_TYPE);
    const paid = rows.filter((f) => f.paidDate);
    const toPay = paid.map((f) => daysBetween(f.issueDate, f.paidDate!));
    const late = paid.map((f) => daysBetween(f.dueDate, f.paidDate!));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
    const facts: AnswerFacts = {
      ...empty,
      client: { id: row.id, name: row.denominazione, partitaIva: row.partita_iva, city: row.city, paymentTermsDays: row.payment_terms_days, email: row.email },
      candidates: [],
      invoiceCount: rows.length,
      totalInvoicedCents: sum(rows, (f) => f.totalCents),
      paidCents: sum(rows, (f) => f.paidCents),
      outstandingCents: sum(rows, (f) => f.outstandingCents),
      overdueCents: sum(rows, (f) => f.overdueCents),
      paidInvoiceCount: paid.length,
      avgDaysToPay: mean(toPay),
      avgDaysLate: mean(late),
      shareLate: paid.length ? late.filter((d) => d > 0).length / paid.length : null,
      firstIssueDate: rows.length ? rows[rows.length - 1]!.issueDate : null,
      lastIssueDate: rows[0]?.issueDate ?? null,
      recentInvoices: rows.slice(0, 10).map(brief),
    };
    return { facts, sources: [{ entityType: 'client' as const, entityId: row.id, label: row.denominazione }, ...invoiceSources(rows.slice(0, 10), lang)] };
  }

  private async forecast(days: number, lang: Lang, today: string, notes: string[]) {
    // Same window as `ai forecast --days N`: today and the N − 1 days after it.
    const horizonEnd = addDays(today, days - 1);
    const open = await this.queries.openInvoices(today);
    let basis: 'model' | 'due-dates' = 'due-dates';
    let version: string | null = null;
    let modelNote: string | null = null;
    let items: { invoice: InvoiceFigures; expectedDate: string; cents: number }[] = [];
    let served: Awaited<ReturnType<CashFlowForecastPort['forecast']>> = null;
    if (this.options.forecaster) {
      try {
        served = await this.options.forecaster.forecast(days);
      } catch (e) {
        modelNote = errorMessage(e);
      }
    }
    if (served) {
      basis = 'model';
      version = served.version;
      const byId = new Map((await this.queries.invoicesByIds(served.items.map((it) => it.invoiceId), today)).map((f) => [f.id, f]));
      items = served.items
        .filter((it) => byId.has(it.invoiceId) && it.expectedDate <= horizonEnd)
        .map((it) => ({ invoice: byId.get(it.invoiceId)!, expectedDate: it.expectedDate, cents: it.amountCents }));
    } else {
      modelNote ??= lang === 'it' ? 'Il modello di cash flow non è ancora addestrato.' : "The cash-flow model isn't trained yet.";
      notes.push(modelNote);
      // Baseline without a model: each open instalment is expected on its due date (overdue ones today).
      const instalments = await this.options.db
        .selectFrom('payments')
        .select(['invoice_id', 'due_date', 'amount_cents', 'paid_amount_cents'])
        .where('invoice_id', 'in', open.length ? open.map((f) => f.id) : [-1])
        .execute();
      const hasRows = new Set(instalments.map((p) => p.invoice_id));
      const openById = new Map(open.map((f) => [f.id, f]));
      for (const p of instalments) {
        const openCents = p.amount_cents - p.paid_amount_cents;
        const expected = p.due_date < today ? today : p.due_date;
        if (openCents > 0 && expected <= horizonEnd) items.push({ invoice: openById.get(p.invoice_id)!, expectedDate: expected, cents: openCents });
      }
      for (const f of open) {
        const expected = f.dueDate < today ? today : f.dueDate;
        if (!hasRows.has(f.id) && expected <= horizonEnd) items.push({ invoice: f, expectedDate: expected, cents: f.outstandingCents });
      }
    }
    const weeks = new Map<string, number>();
    for (const it of items) weeks.set(startOfWeek(it.expectedDate), (weeks.get(startOfWeek(it.expectedDate)) ?? 0) + it.cents);
    const invoices = [...new Map(items.sort((a, b) => (a.expectedDate < b.expectedDate ? -1 : 1)).map((it) => [it.invoice.id, it])).values()];
    const facts: AnswerFacts = {
      intent: 'forecast',
      horizonDays: days,
      asOf: today,
      basis,
      modelVersion: version,
      modelNote,
      expectedCents: items.reduce((s, it) => s + it.cents, 0),
      invoiceCount: invoices.length,
      byWeek: [...weeks.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([weekStart, cents]) => ({ weekStart, cents })),
      invoices: invoices.map((it) => ({ ...brief(it.invoice), expectedDate: it.expectedDate })),
    };
    return { facts, sources: invoiceSources(invoices.map((it) => it.invoice), lang) };
  }

  private async count(subject: 'invoices' | 'clients' | 'products', period: Period | null, lang: Lang) {
    let count: number;
    let byStatus: Record<string, number> | null = null;
    if (subject === 'invoices') {
      let q = this.options.db.selectFrom('invoices').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
      if (period) q = q.where('issue_date', '>=', period.from).where('issue_date', '<=', period.to);
      const rows = await q.orderBy('status').execute();
      byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      count = rows.reduce((s, r) => s + Number(r.n), 0);
    } else if (subject === 'clients' && period) {
      count = await this.queries.clientsCreatedBetween(period.from, period.to);
    } else {
      count = (await this.queries.counts())[subject];
    }
    const facts: AnswerFacts = { intent: 'count', subject, period: period ? periodFacts(period, lang) : null, count, byStatus };
    return { facts, sources: [] as AnswerSource[] };
  }

  private async search(question: string, lang: Lang, notes: string[]) {
    if (!this.options.retriever) {
      const note = lang === 'it' ? 'la ricerca nei documenti non è disponibile' : 'record search is not available';
      notes.push(note);
      const facts: AnswerFacts = { intent: 'search', retrieval: 'unavailable', note, hits: [] };
      return { facts, sources: [] as AnswerSource[] };
    }
    let note: string | null = null;
    let hits: Awaited<ReturnType<Retriever['search']>> = [];
    try {
      hits = await this.options.retriever.search(question, { k: 5 });
    } catch (e) {
      note = errorMessage(e);
      notes.push(note);
    }
    const labelled = await this.labelHits(hits, question, lang);
    const facts: AnswerFacts = { intent: 'search', retrieval: 'hybrid', note, hits: labelled };
    return { facts, sources: labelled.map((h): AnswerSource => ({ entityType: h.entityType, entityId: h.entityId, label: h.label })) };
  }

  private async labelHits(hits: Awaited<ReturnType<Retriever['search']>>, question: string, lang: Lang) {
    const out: Extract<AnswerFacts, { intent: 'search' }>['hits'] = [];
    for (const h of hits) {
      let label = `${h.entityType} #${h.entityId}`;
      if (h.entityType === 'invoice') {
        const inv = await this.options.db
          .selectFrom('invoices as i')
          .innerJoin('clients as c', 'c.id', 'i.client_id')
          .select(['i.number', 'i.year', 'c.denominazione'])
          .where('i.id', '=', h.entityId)
          .executeTakeFirst();
        if (!inv) continue; // deleted since it was indexed
        label = `${lang === 'it' ? 'Fattura' : 'Invoice'} ${invoiceLabel(inv.number, inv.year)} — ${inv.denominazione}`;
      } else if (h.entityType === 'client') {
        const c = await this.queries.client(h.entityId);
        if (!c) continue;
        label = c.denominazione;
      } else {
        const p = await this.options.db.selectFrom('products').select(['code', 'description']).where('id', '=', h.entityId).executeTakeFirst();
        if (!p) continue;
        label = `${p.code} — ${p.description}`;
      }
      const text = bestPassage(h.text, question);
      out.push({
        entityType: h.entityType,
        entityId: h.entityId,
        label,
        score: h.score,
        foundBy: Array.isArray(h.foundBy) ? h.foundBy : [h.foundBy],
        snippet: text.length > 160 ? `${text.slice(0, 157)}…` : text,
      });
    }
    return out;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_SESSIONS) map.delete(map.keys().next().value!);
}

/** The line of a retrieved document sharing most words with the question (its first line when none does). */
function bestPassage(text: string, question: string): string {
  const words = contentTokens(question);
  const lines = text.split(/\n+/).map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
  let best = lines[0] ?? '';
  let bestScore = 0;
  for (const line of lines) {
    const score = [...contentTokens(line)].filter((t) => words.has(t)).length;
    if (score > bestScore) {
      best = line;
      bestScore = score;
    }
  }
  return best;
}

function providerNote(lang: Lang, provider: string, error: string): string {
  return lang === 'it'
    ? `Il provider ${provider} non ha risposto: ${error}. Risposta scritta dal provider integrato.`
    : `The ${provider} provider failed: ${error}. Answer written by the built-in provider.`;
}

function validateQuestion(input: AskInput): string {
  if (!input || typeof input !== 'object') throw new InputError('question: required', 'question');
  if (typeof input.question !== 'string') throw new InputError('question: expected text', 'question');
  const q = input.question.trim();
  if (!q) throw new InputError('question: must not be empty', 'question');
  if (q.length > MAX_QUESTION_LENGTH) throw new InputError(`question: longer than ${MAX_QUESTION_LENGTH} characters`, 'question');
  if (input.sessionId !== undefined && (typeof input.sessionId !== 'string' || !input.sessionId.trim() || input.sessionId.length > 200)) {
    throw new InputError('sessionId: expected a non-empty id of at most 200 characters', 'sessionId');
  }
  if (input.language !== undefined && input.language !== 'it' && input.language !== 'en') {
    throw new InputError(`language: expected it or en, got "${String(input.language)}"`, 'language');
  }
  return q;
}

/** Revenue with no period named means this month (the seed's "What's my revenue this month?"). */
function monthOf(today: string): Period {
  const from = `${today.slice(0, 7)}-01`;
  return { kind: 'month', from, to: lastDay(from), matched: '' };
}

function lastDay(monthStart: string): string {
  const [y, m] = monthStart.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function periodFacts(p: Period, lang: Lang): PeriodFacts {
  return { from: p.from, to: p.to, kind: p.kind, description: describePeriod(p, lang) };
}

const isIssued = (f: InvoiceFigures) => f.status !== 'draft' && f.status !== 'cancelled';

function sum<T>(rows: readonly T[], f: (r: T) => number): number {
  return rows.reduce((s, r) => s + f(r), 0);
}

function brief(f: InvoiceFigures): InvoiceBrief {
  return {
    id: f.id,
    ref: invoiceLabel(f.number, f.year),
    clientId: f.clientId,
    clientName: f.clientName,
    issueDate: f.issueDate,
    dueDate: f.dueDate,
    status: f.status,
    totalCents: f.totalCents,
    outstandingCents: f.outstandingCents,
    overdueCents: f.overdueCents,
    daysOverdue: f.daysOverdue,
  };
}

function invoiceSources(rows: readonly InvoiceFigures[], lang: Lang): AnswerSource[] {
  return rows.map((f) => ({
    entityType: 'invoice' as SourceType,
    entityId: f.id,
    label: `${f.documentType === CREDIT_NOTE_TYPE ? (lang === 'it' ? 'Nota di credito' : 'Credit note') : lang === 'it' ? 'Fattura' : 'Invoice'} ${invoiceLabel(f.number, f.year)} — ${f.clientName}`,
  }));
}

function clientSources(client: ClientRef | null): AnswerSource[] {
  return client ? [{ entityType: 'client', entityId: client.id, label: client.name }] : [];
}
