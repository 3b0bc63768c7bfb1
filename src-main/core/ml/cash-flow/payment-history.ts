// Running payment-behaviour statistics (per client and global) that the cash-flow features read
// "as of" a date. Updated incrementally in date order, so building features for N invoices costs
// one pass instead of a query per invoice; only payments made strictly before the date are in.

/** Half-life (days) of the recency weighting of past lateness. */
export const RECENCY_HALF_LIFE_DAYS = 120;

export class PaymentHistory {
  count = 0;
  lateCount = 0;
  private sumDays = 0;
  private sumLate = 0;
  private sumLateSq = 0;
  /** Lateness values kept sorted, for the median. */
  private readonly sortedLate: number[] = [];
  private recentNum = 0;
  private recentDen = 0;
  private recentRef = 0;
  lastLate = 0;
  /** Invoices issued strictly before the current date (open-invoice count = issued − paid). */
  issuedBefore = 0;
  firstIssueDay: number | null = null;

  /** Records a full payment: `days` from issue to payment, `late` = paid − due, on day `paidDay`. */
  addPayment(days: number, late: number, paidDay: number): void {
    this.count++;
    this.sumDays += days;
    this.sumLate += late;
    this.sumLateSq += late * late;
    if (late > 0) this.lateCount++;
    insertSorted(this.sortedLate, late);
    this.decayTo(paidDay);
    this.recentNum += late;
    this.recentDen += 1;
    this.lastLate = late;
  }

  addIssued(issueDay: number): void {
    this.issuedBefore++;
    if (this.firstIssueDay === null || issueDay < this.firstIssueDay) this.firstIssueDay = issueDay;
  }

  meanDays(): number {
    return this.count ? this.sumDays / this.count : 0;
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

  stdLate(): number {
    if (this.count < 2) return 0;
    const m = this.sumLate / this.count;
    return Math.sqrt(Math.max(0, this.sumLateSq / this.count - m * m));
  }

  shareLate(): number {
    return this.count ? this.lateCount / this.count : 0;
  }

  /** Exponentially recency-weighted mean lateness as seen on `day` (≥ every payment day added). */
  recentLate(day: number): number {
    if (!this.recentDen) return 0;
    this.decayTo(day);
    return this.recentNum / this.recentDen;
  }

  private decayTo(day: number): void {
    if (this.recentDen && day > this.recentRef) {
      const f = Math.pow(0.5, (day - this.recentRef) / RECENCY_HALF_LIFE_DAYS);
      this.recentNum *= f;
      this.recentDen *= f;
    }
    if (day > this.recentRef || !this.recentDen) this.recentRef = day;
  }
}

function insertSorted(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 0, v);
}
