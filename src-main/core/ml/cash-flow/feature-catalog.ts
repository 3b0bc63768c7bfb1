// Every feature of the cash-flow model, in model order, with what it means. Each one is computed AS
// OF a date (the issue date for training and backtests, the end of today for forecasts) from what
// was known before it: invoices issued and payments made strictly before that date. The model card
// (docs/cash-flow-model-card.md) documents the same list; a test keeps the two in step.

export interface FeatureSpec {
  name: string;
  group: 'invoice' | 'calendar' | 'client days-to-pay' | 'client lateness' | 'client amounts' | 'client open invoices' | 'client relationship' | 'priors';
  doc: string;
}

export const FEATURE_CATALOG = [
  // The invoice itself (fixed at issue).
  { name: 'log_amount', group: 'invoice', doc: 'ln(1 + amount due in euros): the total the client must pay (payment rows, or total − ritenuta)' },
  { name: 'terms_days', group: 'invoice', doc: 'payment terms: due date − issue date, in days' },
  { name: 'terms_end_of_month', group: 'invoice', doc: '1 when the terms run to the end of the month ("fine mese")' },
  { name: 'document_type', group: 'invoice', doc: 'FatturaPA document type number (TD01 → 1, TD24 → 24, …)' },
  { name: 'line_count', group: 'invoice', doc: 'number of invoice lines' },
  { name: 'disputed', group: 'invoice', doc: "the invoice's dispute flag as recorded (for a forecast: as it stands today)" },
  // Calendar effects.
  { name: 'issue_month', group: 'calendar', doc: 'month of the issue date (1–12)' },
  { name: 'issue_day_of_month', group: 'calendar', doc: 'day of the month of the issue date' },
  { name: 'issue_days_to_month_end', group: 'calendar', doc: 'days from the issue date to the end of its month' },
  { name: 'issue_quarter_end', group: 'calendar', doc: '1 when issued in the last 10 days of a quarter' },
  { name: 'due_month', group: 'calendar', doc: 'month of the due date (1–12)' },
  { name: 'due_weekday', group: 'calendar', doc: 'weekday of the due date (0 = Sunday)' },
  { name: 'due_month_end', group: 'calendar', doc: '1 when the due date falls in the last 3 days of its month' },
  { name: 'due_quarter_end', group: 'calendar', doc: '1 when the due date falls in the last 10 days of a quarter' },
  { name: 'due_in_august', group: 'calendar', doc: '1 when the due date is in August (the Italian summer break)' },
  { name: 'due_in_december', group: 'calendar', doc: '1 when the due date is in December (year-end closing, holidays)' },
  { name: 'due_business_shift', group: 'calendar', doc: 'days from the due date to the next business day (0 on a weekday; a weekend or national holiday moves bank collections later)' },
  { name: 'due_days_to_holiday', group: 'calendar', doc: 'days from the due date to the next Italian national holiday (capped at 60)' },
  { name: 'holidays_in_terms', group: 'calendar', doc: 'national holidays between the issue date and the due date' },
  // The client's days-to-pay history.
  { name: 'client_paid_count', group: 'client days-to-pay', doc: "the client's invoices fully paid before the date" },
  { name: 'client_mean_days', group: 'client days-to-pay', doc: 'their mean days from issue to full payment (the global mean for a new client)' },
  { name: 'client_std_days', group: 'client days-to-pay', doc: 'standard deviation of those days (global for a new client)' },
  { name: 'client_last3_days', group: 'client days-to-pay', doc: 'mean days-to-pay of their last 3 payments (global recent mean for a new client)' },
  { name: 'client_ewm_days', group: 'client days-to-pay', doc: 'days-to-pay weighted by recency (half-life 120 days of payment dates)' },
  { name: 'client_trend_days', group: 'client days-to-pay', doc: 'slope of days-to-pay over their last 8 payments, in days per 30 days (0 with fewer than 3)' },
  // The client's lateness history (days paid after the due date).
  { name: 'client_mean_late', group: 'client lateness', doc: 'mean days paid after the due date' },
  { name: 'client_median_late', group: 'client lateness', doc: 'median days paid after the due date' },
  { name: 'client_last3_late', group: 'client lateness', doc: 'mean lateness of the last 3 payments' },
  { name: 'client_ewm_late', group: 'client lateness', doc: 'lateness weighted by recency (half-life 120 days)' },
  { name: 'client_share_late', group: 'client lateness', doc: 'share of their paid invoices paid after the due date' },
  { name: 'client_late_shrunk', group: 'client lateness', doc: 'mean lateness shrunk towards the size-band prior: (n·mean + 3·prior)/(n + 3); the prior alone for a new client' },
  { name: 'client_dispute_share', group: 'client lateness', doc: 'share of their paid invoices that were disputed' },
  // Amounts.
  { name: 'client_typical_amount', group: 'client amounts', doc: 'ln(1 + median amount in euros of their earlier invoices); this invoice\'s own for a new client' },
  { name: 'amount_vs_typical', group: 'client amounts', doc: 'log_amount − client_typical_amount: how much larger than usual this invoice is' },
  // Open invoices at the date.
  { name: 'client_open_count', group: 'client open invoices', doc: 'their other invoices issued before the date and not fully paid by it' },
  { name: 'client_open_amount', group: 'client open invoices', doc: 'ln(1 + euros still outstanding on those invoices)' },
  { name: 'client_overdue_count', group: 'client open invoices', doc: 'how many of those were already past due at the date' },
  { name: 'client_max_overdue_days', group: 'client open invoices', doc: 'days the most overdue of those was past its due date (0 when none): a change of habit shows here before any late payment arrives' },
  // The relationship.
  { name: 'client_tenure_days', group: 'client relationship', doc: 'days since their first invoice (0 for a new client)' },
  { name: 'client_invoices_90d', group: 'client relationship', doc: 'their invoices issued in the 90 days before the date' },
  { name: 'client_credit_notes_365d', group: 'client relationship', doc: 'credit notes (TD04) issued to them in the 365 days before the date' },
  { name: 'client_last_method', group: 'client relationship', doc: 'payment method of their latest payment (0 unknown, then bonifico, riba, rid, contanti, assegno, carta, altro)' },
  { name: 'client_is_new', group: 'client relationship', doc: '1 when the client has no paid invoice yet (their history features hold the fall-backs)' },
  // Fall-backs and firm-wide context.
  { name: 'prior_size_late', group: 'priors', doc: 'mean lateness of every client\'s paid invoices in the same amount band (half-decades of euros); the fall-back for a new client' },
  { name: 'prior_size_share_late', group: 'priors', doc: 'share paid late in that amount band' },
  { name: 'global_mean_late', group: 'priors', doc: 'mean lateness over every paid invoice' },
  { name: 'global_ewm_late', group: 'priors', doc: 'firm-wide lateness weighted by recency (half-life 120 days): seasonal and economy-wide shifts' },
] as const satisfies readonly FeatureSpec[];

export const FEATURE_NAMES = FEATURE_CATALOG.map((f) => f.name);
export type FeatureName = (typeof FEATURE_CATALOG)[number]['name'];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const INDEX = new Map<string, number>(FEATURE_NAMES.map((n, i) => [n, i]));

export function featureIndex(name: FeatureName): number {
  return INDEX.get(name)!;
}
