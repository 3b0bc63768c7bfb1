// Wires the assistant to an App's services: the database, the RAG hybrid retriever and embedder
// (question embeddings for learned corrections), the cash-flow forecast of the active model, and
// the prose provider chosen by AI_PROVIDER (re-read on every question, so settings apply live), and
// the conversation store. One assistant per App, so a conversation's turns stay in memory between
// questions; the store brings them back after a restart.
import type { App } from '../app';
import { errorCode } from '../errors';
import { forecastCashFlow } from '../ml/forecast';
import type { CashFlowForecastPort } from './assistant-types';
import { Assistant } from './assistant';
import { ConversationStore } from './conversation-store';
import { BuiltinProvider, type ProseProvider } from './builtin-provider';
import { OpenAiProvider } from './openai-provider';

const assistants = new WeakMap<App, Assistant>();

export function assistantFor(app: App): Assistant {
  let assistant = assistants.get(app);
  if (!assistant) {
    assistant = new Assistant({
      connection: app.database.sqlite,
      logger: app.logger,
      provider: () => proseProvider(app),
      retriever: app.rag.retriever,
      embedder: app.rag.embedder,
      forecaster: cashFlowForecaster(app),
      conversations: conversationsFor(app),
    });
    assistants.set(app, assistant);
  }
  return assistant;
}

const stores = new WeakMap<App, ConversationStore>();

/** The App's conversation store (one set of prepared statements per database). */
export function conversationsFor(app: App): ConversationStore {
  let store = stores.get(app);
  if (!store) {
    store = new ConversationStore(app.database.sqlite);
    stores.set(app, store);
  }
  return store;
}

const builtin = new BuiltinProvider();

export function proseProvider(app: App): ProseProvider {
  const s = app.settings;
  if (s.AI_PROVIDER !== 'openai') return builtin;
  return new OpenAiProvider({ baseUrl: s.AI_BASE_URL, model: s.AI_MODEL, apiKey: s.AI_API_KEY || undefined });
}

/** The active cash_flow model's forecast; null when no model is trained yet. Served predictions are logged. */
export function cashFlowForecaster(app: App): CashFlowForecastPort {
  return {
    async forecast(days) {
      try {
        const f = await forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days });
        return {
          version: f.version,
          items: f.invoices.filter((i) => i.inHorizon).map((i) => ({ invoiceId: i.invoiceId, expectedDate: i.predictedDate, amountCents: i.outstandingCents })),
        };
      } catch (e) {
        if (errorCode(e) === 'NO_MODEL') return null;
        throw e;
      }
    },
  };
}
