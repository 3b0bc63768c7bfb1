// The assistant's public shapes: the question, the answer with its sources, the facts each intent
// is answered from, learned corrections, and the ports it needs from retrieval, embeddings and the
// cash-flow forecast. Everything in an answer is plain JSON, so it crosses IPC and WebSocket as is.
import type { Intent, Lang } from './parse-intent';

export interface AskInput {
  question: string;
  /** Groups the turns of one conversation (follow-ups, feedback). Generated when missing. */
  sessionId?: string;
  /** Forces the answer language (the CLI's --lang); otherwise the question's language is used. */
  language?: Lang;
  /** The language to answer in when the question does not show one ("Rossi?"): the UI's. */
  fallbackLanguage?: Lang;
}

/** Something the user can have done for them instead of being told to run a command. */
export type AssistantAction = 'train-model' | 'rebuild-index';

/** How the best matching correction changed this answer. */
export interface AppliedCorrection {
  feedbackId: number;
  question: string;
  correction: string;
  createdAt: string;
  /**
   * restriction: the answer was computed again with it (a period, a client, a status, amounts before
   * VAT); fact: something the data cannot check, which the answer leads with, the computed figure
   * following as what the recorded data shows.
   */
  kind: 'restriction' | 'fact';
  /** The restriction in words, in the answer's language; null for a fact. */
  description: string | null;
}

export type SourceType = 'invoice' | 'client' | 'product';

export interface AnswerSource {
  entityType: SourceType;
  entityId: number;
  label: string;
}

export interface LearnedCorrection {
  feedbackId: number;
  question: string;
  correction: string;
  /** ISO timestamp of the feedback. */
  createdAt: string;
  /** 1 for the same reading of the question, else the cosine of their embeddings or the overlap of their concepts. */
  similarity: number;
  /** What matched: the same reading of the question (intent, period, client, restrictions), the embeddings, or the concepts. */
  method: 'embedding' | 'concepts' | 'intent';
}

export interface PeriodFacts {
  from: string;
  to: string;
  kind: string;
  description: string;
}

export interface InvoiceBrief {
  id: number;
  ref: string;
  clientId: number;
  clientName: string;
  issueDate: string;
  dueDate: string;
  status: string;
  totalCents: number;
  outstandingCents: number;
  overdueCents: number;
  daysOverdue: number;
}

export interface ClientRef {
  id: number;
  name: string;
  partitaIva: string | null;
}

export interface ClientOpenSummary {
  clientId: number;
  clientName: string;
  invoiceCount: number;
  outstandingCents: number;
  overdueCents: number;
  maxDaysOverdue: number;
}

export type AnswerFacts =
  | {
      intent: 'revenue';
      period: PeriodFacts;
      client: ClientRef | null;
      /** Which amount leads: document totals (VAT included) or amounts before VAT. */
      basis: 'gross' | 'net';
      invoiceCount: number;
      creditNoteCount: number;
      totalCents: number;
      netCents: number;
      vatCents: number;
      paidCents: number;
      outstandingCents: number;
      /** Withholding tax (ritenuta d'acconto) the clients pay to the tax office instead of to you. */
      ritenutaCents: number;
      collectedInPeriodCents: number;
      draftsExcluded: number;
    }
  | {
      intent: 'average_invoice';
      period: PeriodFacts | null;
      client: ClientRef | null;
      /** Averages of document totals (VAT included) or of amounts before VAT. */
      basis: 'gross' | 'net';
      invoiceCount: number;
      averageCents: number;
      medianCents: number;
      minCents: number;
      maxCents: number;
      totalCents: number;
    }
  | {
      intent: 'unpaid' | 'overdue';
      asOf: string;
      client: ClientRef | null;
      invoiceCount: number;
      outstandingCents: number;
      overdueCount: number;
      overdueCents: number;
      byClient: ClientOpenSummary[];
      invoices: InvoiceBrief[];
    }
  | {
      intent: 'top_clients';
      period: PeriodFacts | null;
      basis: 'gross' | 'net';
      totalRevenueCents: number;
      clients: { clientId: number; clientName: string; invoiceCount: number; revenueCents: number; share: number; outstandingCents: number }[];
    }
  | {
      intent: 'invoices_created';
      period: PeriodFacts;
      client: ClientRef | null;
      createdCount: number;
      issuedCount: number;
      totalCents: number;
      invoices: (InvoiceBrief & { matchedBy: 'created' | 'issued' | 'both'; createdDay: string })[];
    }
  | {
      intent: 'client_history';
      client: (ClientRef & { city: string | null; paymentTermsDays: number; email: string | null }) | null;
      candidates: ClientRef[];
      invoiceCount: number;
      totalInvoicedCents: number;
      paidCents: number;
      outstandingCents: number;
      overdueCents: number;
      paidInvoiceCount: number;
      avgDaysToPay: number | null;
      avgDaysLate: number | null;
      shareLate: number | null;
      firstIssueDate: string | null;
      lastIssueDate: string | null;
      recentInvoices: InvoiceBrief[];
    }
  | {
      intent: 'payment_behaviour';
      period: PeriodFacts | null;
      /** Fully paid invoices the figures come from. */
      paidInvoiceCount: number;
      avgDaysToPay: number | null;
      avgDaysLate: number | null;
      shareLate: number | null;
      /** Slowest payers first (average days after the due date). */
      clients: { clientId: number; clientName: string; paidInvoiceCount: number; avgDaysToPay: number; avgDaysLate: number; shareLate: number }[];
    }
  | {
      intent: 'forecast';
      horizonDays: number;
      asOf: string;
      basis: 'model' | 'due-dates';
      /** No cash-flow model is trained yet (not merely failing). */
      modelMissing: boolean;
      modelVersion: string | null;
      modelNote: string | null;
      expectedCents: number;
      invoiceCount: number;
      byWeek: { weekStart: string; cents: number }[];
      invoices: (InvoiceBrief & { expectedDate: string })[];
    }
  | {
      intent: 'count';
      subject: 'invoices' | 'clients' | 'products';
      period: PeriodFacts | null;
      count: number;
      byStatus: Record<string, number> | null;
    }
  | {
      intent: 'search';
      retrieval: 'hybrid' | 'unavailable';
      note: string | null;
      /** Records the knowledge index holds (0 with data means it was never built). */
      indexedDocuments: number;
      hits: { entityType: SourceType; entityId: number; label: string; score: number; foundBy: string[]; snippet: string }[];
    };

export interface AssistantAnswer {
  answer: string;
  sources: AnswerSource[];
  /** Sources not listed because of the cap (the facts still count them). */
  moreSources: number;
  intent: Intent;
  language: Lang;
  facts: AnswerFacts;
  learnedFrom?: LearnedCorrection[];
  /** How the best matching correction changed the answer. */
  applied?: AppliedCorrection;
  provider: string;
  model: string;
  /** Visible notes: provider fallback, model not trained, retrieval unavailable. */
  notes: string[];
  /** What the user can have done for them: train the first model, build the knowledge index. */
  actions: AssistantAction[];
  sessionId: string;
  messageId: string;
}

/** One hit of the hybrid retriever, as the RAG pipeline returns it. */
export interface RetrievalHit {
  entityType: SourceType;
  entityId: number;
  text: string;
  score: number;
  foundBy: string[] | string;
}

export interface Retriever {
  search(query: string, options: { k: number }): Promise<RetrievalHit[]>;
}

/** Embeds short texts (questions) with the same model as the RAG index; vectors normalised. */
export interface QuestionEmbedder {
  readonly modelId: string;
  embed(texts: string[]): Promise<ArrayLike<number>[]>;
}

/** Expected cash-in from the cash-flow model; null when no model is trained. */
export interface CashFlowForecastPort {
  forecast(days: number): Promise<{
    version: string;
    items: { invoiceId: number; expectedDate: string; amountCents: number }[];
  } | null>;
}
