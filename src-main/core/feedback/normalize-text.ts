// Text normalisation used to group feedback by "the same question" (and the same answer): case,
// accents, punctuation and spacing are ignored. Exact-normalised grouping; semantic grouping is
// layered on top by the RAG side. Stored in user_feedback.question_norm/response_norm at insert so
// the analytics can group with an index instead of normalising a million rows per query.

const MAX_NORM_LENGTH = 300;

export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}€%]+/gu, ' ')
    .trim()
    .slice(0, MAX_NORM_LENGTH)
    .trimEnd();
}
