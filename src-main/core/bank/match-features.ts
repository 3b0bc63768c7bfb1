// The features of one candidate explanation of a credit (a credit × candidate pair), the same for the
// rule-based scorer and the trained one. Names are part of a trained model's artifact: a model
// trained on another list is refused, never misread.

export const MATCH_FEATURES = [
  'amount_exact',
  'amount_within_fee',
  'fee_euro_log',
  'is_partial',
  'partial_share',
  'is_combined',
  'invoice_count_log',
  'number_score',
  'number_all_named',
  'number_rel_best',
  'other_invoice_named',
  'payer_name_score',
  'text_name_score',
  'name_rel_best',
  'iban_known',
  'iban_other_client',
  'due_distance',
  'predicted_distance',
  'due_lateness',
  'month_named',
  'before_issue',
  'same_amount_open_log',
  'client_open_log',
  'oldest_open',
  'exact_x_named',
  'exact_x_party',
  'partial_x_named',
  'combined_x_named',
  'fee_x_named',
  'no_evidence',
] as const;

export type MatchFeatureName = (typeof MATCH_FEATURES)[number];
export const MATCH_FEATURE_COUNT = MATCH_FEATURES.length;

export const F = Object.fromEntries(MATCH_FEATURES.map((n, i) => [n, i])) as Record<MatchFeatureName, number>;
