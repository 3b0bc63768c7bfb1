// The "Assistant" section of `ai status`: who writes the answers (built-in or an OpenAI-compatible
// server), how corrections are matched to new questions, and how many corrections it learns from.
import type { App } from '../app';
import { FeedbackRepository } from '../feedback/feedback-repository';
import type { StatusSection } from '../status';
import { ASSISTANT_AGENT_TYPES, DEFAULT_CONCEPT_THRESHOLD, DEFAULT_COSINE_THRESHOLD } from './correction-memory';

export function assistantStatusSection(app: App): StatusSection {
  const s = app.settings;
  const corrections = new FeedbackRepository(app.database.sqlite).countCorrections(ASSISTANT_AGENT_TYPES);
  const embedder = app.rag.embedder.status();
  const matching =
    embedder.state === 'unavailable'
      ? `the same reading of the question, or shared concepts (≥ ${DEFAULT_CONCEPT_THRESHOLD}); embedding model unavailable`
      : `the same reading of the question, shared concepts (≥ ${DEFAULT_CONCEPT_THRESHOLD}), or embeddings of ${embedder.model} for English questions (cosine ≥ ${DEFAULT_COSINE_THRESHOLD})`;
  return {
    id: 'assistant',
    title: 'Assistant',
    rows: [
      {
        label: 'Provider',
        value: s.AI_PROVIDER === 'openai' ? `OpenAI-compatible: ${s.AI_MODEL} at ${s.AI_BASE_URL} (built-in prose if it fails)` : 'built-in (offline templates)',
      },
      ...(s.AI_PROVIDER === 'openai' ? [{ label: 'API key', value: s.AI_API_KEY ? 'set' : 'not set' }] : []),
      { label: 'Corrections learned from', value: corrections },
      { label: 'Correction matching', value: matching },
    ],
  };
}
