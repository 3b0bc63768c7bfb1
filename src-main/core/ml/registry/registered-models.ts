// Every registered model and its spec. Adding a model = a spec module and one entry here; the
// registry, triggers, retrainer and scheduler stay as they are.
import type { ModelSpec } from '../model-spec';
import { createCashFlowSpec } from './cash-flow-spec';
import { createPaymentMatcherSpec } from './payment-matcher-spec';
import { MODEL_NAMES, type ModelName } from './model-names';

const FACTORIES: Record<ModelName, () => ModelSpec> = {
  cash_flow: () => createCashFlowSpec(),
  payment_matcher: () => createPaymentMatcherSpec(),
};

export function registeredModelSpecs(): ModelSpec[] {
  return MODEL_NAMES.map((name) => FACTORIES[name]());
}
