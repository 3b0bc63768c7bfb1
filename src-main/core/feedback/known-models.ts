// Model names accepted in prediction feedback. The model registry (src-main/core/ml) becomes the
// source of truth once it exists; until then this list is the one place that names them.
export const KNOWN_MODELS = ['cash_flow', 'payment_matcher'] as const;

export type KnownModel = (typeof KNOWN_MODELS)[number];

export function isKnownModel(name: string): name is KnownModel {
  return (KNOWN_MODELS as readonly string[]).includes(name);
}
