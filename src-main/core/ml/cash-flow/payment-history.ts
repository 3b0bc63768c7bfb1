// Running payment-behaviour statistics (per client, per invoice-size band and for the whole firm)
// that the cash-flow features read "as of" a date. They are fed in date order, so building the
// features of N invoices is one pass instead of a query per invoice; a feature reads only what was
// fed before its date.

/** Half-life (days) of the recency weighting of past payments. */
export const RECENCY_HALF_LIFE_DAYS = 120;
/** Payments the trend is fitted on (the most recent ones). */
export const TREND_WINDOW = 8;

/** Days-to-pay and lateness of settled invoices, with the statistics the features need. */
export class PaymentHistory {
  count = 0;
  lateCount = 0;
  disputedCount = 0;
  private sumDays = 0;
  private sumDaysSq = 0;
  private sumLate = 0;
  private readonly sortedLate: number[] = [];
  /** Recency-weighted sums: payment i weighs 2^((day_i − firstDay)/half-life). The weighted mean is the
   * same as with weights decaying from any later date (the factor cancels), and it does not depend on
   * when it is read, so features are bit-for-bit reproducible. */
  private recentDays = 0;
  private recentLate = 0;
  private recentWeight = 0;
  private firstDay: number | null = null;
  /** The latest payments, oldest first: [paidDay, days, late]. */
  private readonly recent: [number, number, number][] = [];

  /** Records a full payment: `days` from issue to payment, `late` = paid − due, on day `paidDay`. */
  add(days: number, late: number, paidDay: number, disputed: boolean): void {
    this.count++;
    this.sumDays += days;
    this.sumDaysSq += days * days;
    this.sumLate += late;
    if (late > 0) this.lateCount++;
    if (disputed) this.disputedCount++;
    insertSorted(this.sortedLate, late);
    this.firstDay ??= paidDay;
    const w = Math.pow(2, (paidDay - this.firstDay) / RECENCY_HALF_LIFE_DAYS);
    this.recentDays += w * days;
    this.recentLate += w * late;
    this.recentWeight += w;
    this.recent.push([paidDay, days, late]);
    if (this.recent.length > TREND_WINDOW) this.recent.shift();
  }

  meanDays(): number {
    return this.count ? this.sumDays / this.count : 0;
  }

  stdDays(): number {
    if (this.count < 2) return 0;
    const m = this.sumDays / this.count;
    return Math.sqrt(Math.max(0, this.sumDaysSq / this.count - m * m));
  }

  meanLate(): number {
    return this.count ? this.sumLate / this.count : 0;
  }

  medianLate(): number {
    const a = this.sortedLate;
    if (!a.length) return 0;
    const mid = a.length >> 1;
    return a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
  }

  shareLate(): number {
    return this.count ? this.lateCount / this.count : 0;
  }

  shareDisputed(): number {
    return this.count ? this.disputedCount / this.count : 0;
  }

  /** Exponentially recency-weighted mean days-to-pay and lateness (half-life RECENCY_HALF_LIFE_DAYS of payment dates). */
  recentMeans(): { days: number; late: number } {
    if (!this.recentWeight) return { days: 0, late: 0 };
    return { days: this.recentDays / this.recentWeight, late: this.recentLate / this.recentWeight };
  }

  /** Mean days-to-pay and lateness of the last (up to) 3 payments. */
  last3(): { days: number; late: number } {
    const n = Math.min(3, this.recent.length);
    if (!n) return { days: 0, late: 0 };
    let d = 0;
    let l = 0;
    for (let i = this.recent.length - n; i < this.recent.length; i++) {
      d += this.recent[i]![1];
      l += this.recent[i]![2];
    }
    return { days: d / n, late: l / n };
  }

  /** Least-squares slope of days-to-pay over payment date, in days per 30 days, on the latest payments (0 with fewer than 3). */
  trendPer30Days(): number {
    const r = this.recent;
    if (r.length < 3) return 0;
    let mx = 0;
    let my = 0;
    for (const [x, y] of r) {
      mx += x;
      my += y;
    }
    mx /= r.length;
    my /= r.length;
    let sxy = 0;
    let sxx = 0;
    for (const [x, y] of r) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) * (x - mx);
    }
    if (sxx === 0) return 0;
    return Math.max(-60, Math.min(60, (sxy / sxx) * 30));
  }
}

export function insertSorted(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 0, v);
}

export function medianOf(sorted: readonly number[]): number {
  if (!sorted.length) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
