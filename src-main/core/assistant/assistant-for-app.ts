// Wires the assistant to an App's services: the database, the RAG hybrid retriever and embedder
// (question embeddings for learned corrections), the cash-flow forecast of the active model, and
// the prose provider chosen by AI_PROVIDER (re-read on every question, so settings apply live).
// One assistant per App, so a conversation's turns survive between questions of a session.
import type { App } from '../app';
import { errorCode } from '../errors';
import { forecastCashFlow } from '../ml/forecast';
import type { CashFlowForecastPort } from './assistant-types';
import { Assistant } from './assistant';
import { BuiltinProvider, type ProseProvider } from './builtin-provider';
import { OpenAiProvider } from './openai-provider';

const assistants = new WeakMap<App, Assistant>();

export function assistantFor(app: App): Assistant {
  let assistant = assistants.get(app);
  if (!assistant) {
    assistant = new Assistant({
      db: app.database.db,
      logger: app.logger,
      provider: () => proseProvider(app),
      retriever: app.rag.retriever,
      embedder: app.rag.embedder,
      forecaster: cashFlowForecaster(app),
    });
    assistants.set(app, assistant);
  }
  return assistant;
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
