// The assistant (`ai chat`, the GUI's Assistant page): reads a business question, answers it from
// the database (read-only queries) with its sources, grounds free questions with hybrid retrieval,
// and learns from the user's corrections: the best matching correction either restricts the
// question (the answer is computed again with it, and says so) or is a fact the answer leads with,
// the computed figure following as what the recorded data shows. A provider writes the prose
// (built-in templates offline, or an OpenAI-compatible server with a visible fallback). Answers are
// in the language of the question, and conversations are kept (conversation-store.ts) so they
// survive restarts.
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, daysBetween, startOfWeek, todayIso } from '../dates';
import { InputError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type {
  AnswerFacts,
  AnswerSource,
  AppliedCorrection,
  AskInput,
  AssistantAction,
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
import { BuiltinProvider, cleanDocumentText, writeCorrectionLead, type ProseProvider } from './builtin-provider';
import { BusinessQueries, signedTotal, type InvoiceFigures } from './business-queries';
import { isCreditNote, signedCents } from '../domain/document-types';
import { matchClient, type ClientMatch, type ClientRow } from './client-matcher';
import type { ConversationStore, StoredReading } from './conversation-store';
import { contentTokens, CorrectionMemory, type CorrectionMemoryOptions } from './correction-memory';
import { describeRestriction, readRestriction, type Restriction } from './correction-rules';
import { parseIntent, type Intent, type Lang, type ParsedQuestion } from './parse-intent';
import { describePeriod, type Period } from './parse-period';
import { invoiceLabel } from '../domain/invoice-number';
import { DEFAULT_FORECAST_DAYS, DEFAULT_TOP_CLIENTS, effectivePeriod } from './question-reading';

export const MAX_QUESTION_LENGTH = 2_000;
/** Sources listed with one answer; the facts keep the full counts. */
export const MAX_SOURCES = 25;
const HISTORY_TURNS = 6;
const FOLLOW_UP_MAX_WORDS = 8;
/** Conversations remembered in memory at once (older ones are read back from the store). */
const MAX_SESSIONS = 500;

export interface AssistantOptions {
  /** The database connection its read models query through. */
  connection: BetterSqlite3.Database;
  logger?: Logger;
  /** Writes the prose; built-in templates when missing. Called per answer so settings apply live. */
  provider?: () => ProseProvider;
  retriever?: Retriever | null;
  embedder?: QuestionEmbedder | null;
  forecaster?: CashFlowForecastPort | null;
  /** Where conversations are kept; without it they live only in memory. */
  conversations?: ConversationStore | null;
  /** Today's date (OPENFATTURE_TODAY honoured by default). */
  today?: () => string;
  corrections?: CorrectionMemoryOptions;
}

/** What an answer is computed over: the question's own period, client and restrictions, and a correction's. */
interface Scope {
  period: Period | null;
  client: ClientRef | null;
  exclude: Set<number>;
  status: 'paid' | 'unpaid' | null;
  basis: 'gross' | 'net';
}

interface SessionState {
  history: { question: string; answer: string }[];
  reading: { intent: Intent; period: Period | null; client: ClientRef | null; lang: Lang } | null;
}

// Which parts of a restriction each figure can take: the rest of the correction is then a fact.
const RESTRICTABLE: Partial<Record<Intent, (keyof Restriction)[]>> = {
  revenue: ['period', 'client', 'excludeClients', 'status', 'basis'],
  average_invoice: ['period', 'client', 'excludeClients', 'status', 'basis'],
  unpaid: ['period', 'client', 'excludeClients'],
  overdue: ['period', 'client', 'excludeClients'],
  top_clients: ['period', 'excludeClients', 'status', 'basis'],
  invoices_created: ['client', 'excludeClients'],
  payment_behaviour: ['period', 'excludeClients'],
  forecast: ['client', 'excludeClients'],
  count: ['period', 'client', 'excludeClients', 'status'],
};

export class Assistant {
  private readonly queries: BusinessQueries;
  private readonly memory: CorrectionMemory;
  private readonly builtin = new BuiltinProvider();
  private readonly sessions = new Map<string, SessionState>();

  constructor(private readonly options: AssistantOptions) {
    this.queries = new BusinessQueries(options.connection);
    this.memory = new CorrectionMemory(options.connection, options.embedder ?? null, options.logger, options.corrections);
  }

  async ask(input: AskInput): Promise<AssistantAnswer> {
    const question = validateQuestion(input);
    const today = (this.options.today ?? todayIso)();
    const sessionId = input.sessionId ?? randomUUID();
    const clients = await this.queries.clients();
    const session = this.session(sessionId, clients);
    const previous = session.reading;
    // Words of no clear language ("Rossi?", "ok, and Q2?") keep the conversation's language, else the UI's.
    const parsed = parseIntent(question, today, input.language ?? previous?.lang ?? input.fallbackLanguage ?? 'en');
    const lang: Lang = input.language ?? parsed.lang;
    const notes: string[] = [];

    let match = matchClient(clients, question, parsed);
    // A short follow-up ("and last month?", "e per Rossi?") keeps the session's previous question
    // and changes only the period or the client it names.
    let reading = parsed;
    if (previous && parsed.intent === 'search' && (parsed.period || match.client) && question.split(/\s+/).length <= FOLLOW_UP_MAX_WORDS) {
      reading = { ...parsed, intent: previous.intent, period: parsed.period ?? previous.period };
      if (!match.client && previous.client) match = { client: previous.client, candidates: [] };
    }
    let intent = reading.intent;
    // A question that only names a client ("Rossi Srl?", "tell me about 01234567897") is about that client.
    if ((intent === 'search' || intent === 'payment_behaviour') && (match.client || match.candidates.length)) intent = 'client_history';

    const learned = await this.memory.find(question, today);
    if (learned.note) notes.push(learned.note);
    const best = learned.matches[0] ?? null;
    const restriction = best ? applicable(readRestriction(best.correction, today, clients), intent, reading) : null;
    const scope: Scope = {
      period: restriction?.period ?? reading.period,
      client: restriction?.client ?? match.client,
      exclude: new Set(restriction?.excludeClients.map((c) => c.id) ?? []),
      status: restriction?.status ?? reading.status,
      basis: (restriction?.basis ?? reading.basis) === 'net' ? 'net' : 'gross',
    };
    const applied: AppliedCorrection | null = best
      ? {
          feedbackId: best.feedbackId,
          question: best.question,
          correction: best.correction,
          createdAt: best.createdAt,
          kind: restriction ? 'restriction' : 'fact',
          description: restriction ? describeRestriction(restriction, lang, (p) => describePeriod(p, lang)) : null,
        }
      : null;

    const { facts, sources } = await this.answerFacts(intent, reading, match, scope, question, lang, today, notes);
    const actions = actionsFor(facts);
    session.reading = { intent: facts.intent === 'client_history' ? 'client_history' : intent, period: reading.period, client: match.client, lang };

    let provider: ProseProvider = this.builtin;
    try {
      provider = this.options.provider?.() ?? this.builtin;
    } catch (e) {
      // A misconfigured provider (bad AI_BASE_URL) must not cost the user the answer.
      notes.push(providerNote(lang, 'AI_PROVIDER', errorMessage(e)));
    }
    const shownSources = sources.slice(0, MAX_SOURCES);
    const proseInput = { question, lang, facts, learnedFrom: learned.matches, applied, actions, sources: shownSources, history: [...session.history] };
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
    // An LLM may leave a correction out; it must be visible with every answer that used it.
    if (applied && providerName !== this.builtin.name && !answer.includes(applied.correction)) answer = `${writeCorrectionLead(applied, lang)}\n\n${answer}`;
    session.history = [...session.history, { question, answer }].slice(-HISTORY_TURNS);

    const result: AssistantAnswer = {
      answer,
      sources: shownSources,
      moreSources: sources.length - shownSources.length,
      intent: facts.intent,
      language: lang,
      facts,
      ...(learned.matches.length ? { learnedFrom: learned.matches } : {}),
      ...(applied ? { applied } : {}),
      provider: providerName,
      model,
      notes,
      actions,
      sessionId,
      messageId: randomUUID(),
    };
    this.persist(result, question, session.reading, match.client);
    return result;
  }

  /** Forgets a session's turns in memory (the stored conversation stays until it is deleted). */
  endSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** The session's recent turns: in memory, or read back from the conversation store after a restart. */
  private session(sessionId: string, clients: readonly ClientRow[]): SessionState {
    let state = this.sessions.get(sessionId);
    if (!state) {
      state = { history: [], reading: null };
      const turns = this.options.conversations?.recentTurns(sessionId, HISTORY_TURNS) ?? [];
      state.history = turns.map((t) => ({ question: t.question, answer: t.answer.answer }));
      const last = turns[turns.length - 1]?.reading;
      if (last) {
        const c = last.clientId === null ? undefined : clients.find((x) => x.id === last.clientId);
        state.reading = { intent: last.intent, period: last.period, client: c ? { id: c.id, name: c.denominazione, partitaIva: c.partita_iva } : null, lang: last.lang };
      }
    }
    // Most recently used last, so the least recently used is forgotten first.
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, state);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return state;
  }

  private persist(a: AssistantAnswer, question: string, reading: SessionState['reading'], client: ClientRef | null): void {
    const store = this.options.conversations;
    if (!store) return;
    const { facts: _facts, sessionId, messageId, ...shown } = a;
    const stored: StoredReading | null = reading ? { intent: reading.intent, period: reading.period, clientId: client?.id ?? null, lang: reading.lang } : null;
    try {
      store.append(sessionId, { messageId, question, answer: shown, reading: stored });
    } catch (e) {
      // The answer is still given; the conversation just will not show it after a reload.
      this.options.logger?.error(`Assistant: could not store the conversation turn: ${errorMessage(e)}`);
    }
  }

  private async answerFacts(
    intent: Intent,
    parsed: ParsedQuestion,
    match: ClientMatch,
    scope: Scope,
    question: string,
    lang: Lang,
    today: string,
    notes: string[],
  ): Promise<{ facts: AnswerFacts; sources: AnswerSource[] }> {
    switch (intent) {
      case 'revenue':
        return this.revenue(effectivePeriod('revenue', scope.period, today)!, scope, lang, today);
      case 'average_invoice':
        return this.average(scope, lang, today);
      case 'unpaid':
      case 'overdue':
        return this.open(intent, scope, lang, today);
      case 'top_clients':
        return this.topClients(scope, parsed.limit ?? DEFAULT_TOP_CLIENTS, lang, today);
      case 'invoices_created':
        return this.created(effectivePeriod('invoices_created', scope.period, today)!, scope, lang, today);
      case 'client_history':
        return this.clientHistory(match, lang, today);
      case 'payment_behaviour':
        return this.paymentBehaviour(scope, lang, today);
      case 'forecast':
        return this.forecast(parsed.horizonDays ?? DEFAULT_FORECAST_DAYS, scope, lang, today, notes);
      case 'count':
        return this.count(parsed.countSubject ?? 'invoices', scope, lang, today);
      default:
        return this.search(question, lang, notes);
    }
  }

  /** Issued invoices of the scope (its period, client, exclusions and status). */
  private async scoped(scope: Scope, today: string, options: { issuedOnly?: boolean; period?: Period | null } = {}): Promise<InvoiceFigures[]> {
    const period = options.period === undefined ? scope.period : options.period;
    const rows = await this.queries.invoices({ issuedFrom: period?.from, issuedTo: period?.to, clientId: scope.client?.id, issuedOnly: options.issuedOnly ?? true }, today);
    return rows.filter((f) => keep(f, scope));
  }

  private async revenue(period: Period, scope: Scope, lang: Lang, today: string) {
    const all = await this.scoped(scope, today, { issuedOnly: false, period });
    const issued = all.filter(isIssued);
    const facts: AnswerFacts = {
      intent: 'revenue',
      period: periodFacts(period, lang),
      client: scope.client,
      basis: scope.basis,
      invoiceCount: issued.length,
      creditNoteCount: issued.filter((f) => isCreditNote(f.documentType)).length,
      totalCents: sum(issued, signedTotal),
      netCents: sum(issued, (f) => (signedCents(f.documentType, f.netCents))),
      vatCents: sum(issued, (f) => (signedCents(f.documentType, f.vatCents))),
      paidCents: sum(issued, (f) => (isCreditNote(f.documentType) ? 0 : f.paidCents)),
      outstandingCents: sum(issued, (f) => f.outstandingCents),
      ritenutaCents: sum(issued, (f) => (isCreditNote(f.documentType) ? 0 : f.ritenutaCents)),
      collectedInPeriodCents: await this.collectedIn(period, scope),
      draftsExcluded: all.filter((f) => f.status === 'draft').length,
    };
    return { facts, sources: [...clientSources(scope.client), ...invoiceSources(issued, lang)] };
  }

  /** Receipts dated in the period on the scope's invoices, whatever their issue date. */
  private async collectedIn(period: Period, scope: Scope): Promise<number> {
    const rows = await this.queries.receipts(period.from, period.to);
    return rows.filter((r) => (!scope.client || r.client_id === scope.client.id) && !scope.exclude.has(r.client_id)).reduce((s, r) => s + r.paid_amount_cents, 0);
  }

  private async average(scope: Scope, lang: Lang, today: string) {
    const rows = (await this.scoped(scope, today)).filter((f) => !isCreditNote(f.documentType));
    const amount = (f: InvoiceFigures) => (scope.basis === 'net' ? f.netCents : f.totalCents);
    const totals = rows.map(amount).sort((a, b) => a - b);
    const total = totals.reduce((s, x) => s + x, 0);
    const mid = totals.length >> 1;
    const facts: AnswerFacts = {
      intent: 'average_invoice',
      period: scope.period ? periodFacts(scope.period, lang) : null,
      client: scope.client,
      basis: scope.basis,
      invoiceCount: rows.length,
      averageCents: rows.length ? Math.round(total / rows.length) : 0,
      medianCents: !rows.length ? 0 : totals.length % 2 ? totals[mid]! : Math.round((totals[mid - 1]! + totals[mid]!) / 2),
      minCents: totals[0] ?? 0,
      maxCents: totals[totals.length - 1] ?? 0,
      totalCents: total,
    };
    return { facts, sources: [...clientSources(scope.client), ...invoiceSources(rows, lang)] };
  }

  private async open(intent: 'unpaid' | 'overdue', scope: Scope, lang: Lang, today: string) {
    const open = (await this.queries.openInvoices(today, scope.client?.id)).filter(
      (f) => !scope.exclude.has(f.clientId) && (!scope.period || (f.issueDate >= scope.period.from && f.issueDate <= scope.period.to)),
    );
    const client = scope.client;
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

  private async topClients(scope: Scope, limit: number, lang: Lang, today: string) {
    // A ranking of all clients: a client named in the question does not narrow it.
    const rows = await this.scoped({ ...scope, client: null }, today);
    const amount = (f: InvoiceFigures) => (scope.basis === 'net' ? (signedCents(f.documentType, f.netCents)) : signedTotal(f));
    const per = new Map<number, { clientId: number; clientName: string; invoiceCount: number; revenueCents: number; outstandingCents: number }>();
    for (const f of rows) {
      const c = per.get(f.clientId) ?? { clientId: f.clientId, clientName: f.clientName, invoiceCount: 0, revenueCents: 0, outstandingCents: 0 };
      c.invoiceCount++;
      c.revenueCents += amount(f);
      c.outstandingCents += f.outstandingCents;
      per.set(f.clientId, c);
    }
    const total = sum(rows, amount);
    const top = [...per.values()]
      .sort((a, b) => b.revenueCents - a.revenueCents || a.clientId - b.clientId)
      .slice(0, Math.max(1, Math.min(limit, 50)))
      .map((c) => ({ ...c, share: total > 0 ? c.revenueCents / total : 0 }));
    const facts: AnswerFacts = { intent: 'top_clients', period: scope.period ? periodFacts(scope.period, lang) : null, basis: scope.basis, totalRevenueCents: total, clients: top };
    return { facts, sources: top.map((c): AnswerSource => ({ entityType: 'client', entityId: c.clientId, label: c.clientName })) };
  }

  private async created(period: Period, scope: Scope, lang: Lang, today: string) {
    const rows = (await this.queries.invoicesCreatedOrIssued(period.from, period.to, today)).filter((f) => (!scope.client || f.clientId === scope.client.id) && !scope.exclude.has(f.clientId));
    const facts: AnswerFacts = {
      intent: 'invoices_created',
      period: periodFacts(period, lang),
      client: scope.client,
      createdCount: rows.filter((f) => f.matchedBy !== 'issued').length,
      issuedCount: rows.filter((f) => f.matchedBy !== 'created').length,
      totalCents: sum(rows.filter(isIssued), signedTotal),
      invoices: rows.map((f) => ({ ...brief(f), matchedBy: f.matchedBy, createdDay: f.createdDay })),
    };
    return { facts, sources: [...clientSources(scope.client), ...invoiceSources(rows, lang)] };
  }

  /** How clients pay: days from issue to full payment and after the due date, slowest payers first. */
  private async paymentBehaviour(scope: Scope, lang: Lang, today: string) {
    const paid = (await this.scoped({ ...scope, client: null, status: null }, today)).filter((f) => !isCreditNote(f.documentType) && f.paidDate);
    const per = new Map<number, { clientId: number; clientName: string; toPay: number[]; late: number[] }>();
    for (const f of paid) {
      const c = per.get(f.clientId) ?? { clientId: f.clientId, clientName: f.clientName, toPay: [], late: [] };
      c.toPay.push(daysBetween(f.issueDate, f.paidDate!));
      c.late.push(daysBetween(f.dueDate, f.paidDate!));
      per.set(f.clientId, c);
    }
    const allToPay = paid.map((f) => daysBetween(f.issueDate, f.paidDate!));
    const allLate = paid.map((f) => daysBetween(f.dueDate, f.paidDate!));
    const facts: AnswerFacts = {
      intent: 'payment_behaviour',
      period: scope.period ? periodFacts(scope.period, lang) : null,
      paidInvoiceCount: paid.length,
      avgDaysToPay: mean(allToPay),
      avgDaysLate: mean(allLate),
      shareLate: paid.length ? allLate.filter((d) => d > 0).length / paid.length : null,
      clients: [...per.values()]
        .map((c) => ({ clientId: c.clientId, clientName: c.clientName, paidInvoiceCount: c.toPay.length, avgDaysToPay: mean(c.toPay)!, avgDaysLate: mean(c.late)!, shareLate: c.late.filter((d) => d > 0).length / c.late.length }))
        .sort((a, b) => b.avgDaysLate - a.avgDaysLate || a.clientId - b.clientId)
        .slice(0, 10),
    };
    return { facts, sources: facts.clients.map((c): AnswerSource => ({ entityType: 'client', entityId: c.clientId, label: c.clientName })) };
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
    const issued = await this.queries.invoices({ clientId: row.id, issuedOnly: true }, today);
    const rows = issued.filter((f) => !isCreditNote(f.documentType));
    const paid = rows.filter((f) => f.paidDate);
    const toPay = paid.map((f) => daysBetween(f.issueDate, f.paidDate!));
    const late = paid.map((f) => daysBetween(f.dueDate, f.paidDate!));
    const facts: AnswerFacts = {
      ...empty,
      client: { id: row.id, name: row.denominazione, partitaIva: row.partita_iva, city: row.city, paymentTermsDays: row.payment_terms_days, email: row.email },
      candidates: [],
      invoiceCount: rows.length,
      // Net of the client's credit notes (TD04, TD08).
      totalInvoicedCents: sum(issued, signedTotal),
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

  private async forecast(days: number, scope: Scope, lang: Lang, today: string, notes: string[]) {
    // Same window as `ai forecast --days N`: today and the N − 1 days after it.
    const horizonEnd = addDays(today, days - 1);
    const open = (await this.queries.openInvoices(today, scope.client?.id)).filter((f) => !scope.exclude.has(f.clientId));
    let basis: 'model' | 'due-dates' = 'due-dates';
    let version: string | null = null;
    let modelNote: string | null = null;
    let modelMissing = false;
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
        .filter((it) => byId.has(it.invoiceId) && it.expectedDate <= horizonEnd && keep(byId.get(it.invoiceId)!, { ...scope, status: null }))
        .map((it) => ({ invoice: byId.get(it.invoiceId)!, expectedDate: it.expectedDate, cents: it.amountCents }));
    } else {
      // Nothing served and nothing failed: no model is trained yet.
      modelMissing = modelNote === null;
      modelNote ??= lang === 'it' ? 'Il modello di cash flow non è ancora addestrato.' : "The cash-flow model isn't trained yet.";
      notes.push(modelNote);
      // Baseline without a model: each open instalment is expected on its due date (overdue ones today).
      const instalments = await this.queries.instalments(open.map((f) => f.id));
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
      modelMissing,
      modelNote,
      expectedCents: items.reduce((s, it) => s + it.cents, 0),
      invoiceCount: invoices.length,
      byWeek: [...weeks.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([weekStart, cents]) => ({ weekStart, cents })),
      invoices: invoices.map((it) => ({ ...brief(it.invoice), expectedDate: it.expectedDate })),
    };
    return { facts, sources: invoiceSources(invoices.map((it) => it.invoice), lang) };
  }

  private async count(subject: 'invoices' | 'clients' | 'products', scope: Scope, lang: Lang, today: string) {
    let count: number;
    let byStatus: Record<string, number> | null = null;
    if (subject === 'invoices') {
      // Every invoice of the period, drafts included, by status.
      const rows = await this.scoped(scope, today, { issuedOnly: false });
      byStatus = {};
      for (const f of [...rows].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0))) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
      count = rows.length;
    } else if (subject === 'clients' && scope.period) {
      count = await this.queries.clientsCreatedBetween(scope.period.from, scope.period.to);
    } else {
      count = (await this.queries.counts())[subject];
    }
    const facts: AnswerFacts = { intent: 'count', subject, period: scope.period ? periodFacts(scope.period, lang) : null, count, byStatus };
    return { facts, sources: [] as AnswerSource[] };
  }

  private async search(question: string, lang: Lang, notes: string[]) {
    if (!this.options.retriever) {
      const note = lang === 'it' ? 'la ricerca nei documenti non è disponibile' : 'record search is not available';
      notes.push(note);
      const facts: AnswerFacts = { intent: 'search', retrieval: 'unavailable', note, indexedDocuments: await this.indexedDocuments(), hits: [] };
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
    const facts: AnswerFacts = { intent: 'search', retrieval: 'hybrid', note, indexedDocuments: await this.indexedDocuments(), hits: labelled };
    return { facts, sources: labelled.map((h): AnswerSource => ({ entityType: h.entityType, entityId: h.entityId, label: h.label })) };
  }

  private async indexedDocuments(): Promise<number> {
    return this.queries.indexedDocuments();
  }

  private async labelHits(hits: Awaited<ReturnType<Retriever['search']>>, question: string, lang: Lang) {
    const out: Extract<AnswerFacts, { intent: 'search' }>['hits'] = [];
    for (const h of hits) {
      let label = `${h.entityType} #${h.entityId}`;
      if (h.entityType === 'invoice') {
        const inv = await this.queries.invoiceName(h.entityId);
        if (!inv) continue; // deleted since it was indexed
        label = `${lang === 'it' ? 'Fattura' : 'Invoice'} ${invoiceLabel(inv.number, inv.year)} — ${inv.denominazione}`;
      } else if (h.entityType === 'client') {
        const c = await this.queries.client(h.entityId);
        if (!c) continue;
        label = c.denominazione;
      } else {
        const p = await this.queries.productName(h.entityId);
        if (!p) continue;
        label = `${p.code} — ${p.description}`;
      }
      const text = bestPassage(cleanDocumentText(h.text, lang), question);
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

/**
 * The line of a retrieved document sharing most words with the question. The first line is the
 * document's title, which the source's label already says; without shared words, what the record
 * is about: an invoice's lines, else the line after the title.
 */
function bestPassage(text: string, question: string): string {
  const words = contentTokens(question);
  const lines = text.split(/\n+/).map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const body = lines.length > 1 ? lines.slice(1) : lines;
  let best = body.find((l) => /^(?:Righe|Lines):/i.test(l)) ?? body[0] ?? '';
  let bestScore = 0;
  for (const line of body) {
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

/** The parts of a correction's restriction this question's figure can take, or null when none (then it is a fact). */
function applicable(r: Restriction | null, intent: Intent, parsed: ParsedQuestion): Restriction | null {
  if (!r) return null;
  const allowed = new Set(RESTRICTABLE[intent] ?? []);
  // Only invoices can be counted by period, client or status.
  if (intent === 'count' && parsed.countSubject && parsed.countSubject !== 'invoices') allowed.clear();
  const kept: Restriction = {
    period: allowed.has('period') ? r.period : null,
    client: allowed.has('client') ? r.client : null,
    excludeClients: allowed.has('excludeClients') ? r.excludeClients : [],
    status: allowed.has('status') ? r.status : null,
    basis: allowed.has('basis') ? r.basis : null,
  };
  return kept.period || kept.client || kept.excludeClients.length || kept.status || kept.basis ? kept : null;
}

/** Buttons instead of commands: train the first model, build the knowledge index. */
function actionsFor(f: AnswerFacts): AssistantAction[] {
  if (f.intent === 'forecast' && f.modelMissing) return ['train-model'];
  if (f.intent === 'search' && f.retrieval === 'hybrid' && f.indexedDocuments === 0) return ['rebuild-index'];
  return [];
}

function keep(f: InvoiceFigures, scope: Scope): boolean {
  if (scope.exclude.has(f.clientId) || (scope.client && f.clientId !== scope.client.id)) return false;
  if (scope.status === 'paid') return f.paidDate !== null || f.status === 'paid';
  if (scope.status === 'unpaid') return f.outstandingCents > 0;
  return true;
}

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
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
    label: `${isCreditNote(f.documentType) ? (lang === 'it' ? 'Nota di credito' : 'Credit note') : lang === 'it' ? 'Fattura' : 'Invoice'} ${invoiceLabel(f.number, f.year)} — ${f.clientName}`,
  }));
}

function clientSources(client: ClientRef | null): AnswerSource[] {
  return client ? [{ entityType: 'client', entityId: client.id, label: client.name }] : [];
}
