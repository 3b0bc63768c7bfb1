// The names of the registered models. Lightweight on purpose: validators (e.g. `--model` of the
// feedback commands) import it without loading any model code. registered-models.ts maps each name
// to its spec, and its type makes a name without a spec a compile error.
export const MODEL_NAMES = ['cash_flow', 'payment_matcher'] as const;

export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}
