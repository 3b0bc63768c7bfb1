import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BOLLO_CENTS, invoiceTotals, lineTotals, roundCents, splitInstalments } from './invoice-totals';

describe('line totals', () => {
  it('computes net, VAT and total in cents with half-up rounding', () => {
    expect(lineTotals({ quantity: 3, unitPriceCents: 3333, vatRate: 22 })).toEqual({ netCents: 9999, vatCents: 2200, totalCents: 12199 });
    // 1.5 h × €85.00 = €127.50; VAT 22% = 28.05
    expect(lineTotals({ quantity: 1.5, unitPriceCents: 8500, vatRate: 22 })).toEqual({ netCents: 12750, vatCents: 2805, totalCents: 15555 });
    // 0.5 cents rounds up, whatever binary noise says
    expect(roundCents(100.5)).toBe(101);
    expect(roundCents(1.005 * 100)).toBe(101);
    expect(lineTotals({ quantity: 1, unitPriceCents: 1, vatRate: 22 }).vatCents).toBe(0);
    expect(lineTotals({ quantity: 1, unitPriceCents: 3, vatRate: 22 }).vatCents).toBe(1); // 0.66 → 1
  });
});

describe('invoice totals', () => {
  it('sums lines and adds stamp duty above the exempt threshold', () => {
    const t = invoiceTotals([
      { quantity: 1, unitPriceCents: 70000, vatRate: 0 },
      { quantity: 2, unitPriceCents: 1000, vatRate: 10 },
    ]);
    expect(t.netCents).toBe(72000);
    expect(t.vatCents).toBe(200);
    expect(t.bolloCents).toBe(BOLLO_CENTS);
    expect(t.totalCents).toBe(72000 + 200 + BOLLO_CENTS);
    expect(t.dueCents).toBe(t.totalCents);
  });
  it('no stamp duty at or below €77.47 exempt, or when all lines carry VAT', () => {
    expect(invoiceTotals([{ quantity: 1, unitPriceCents: 7747, vatRate: 0 }]).bolloCents).toBe(0);
    expect(invoiceTotals([{ quantity: 1, unitPriceCents: 7748, vatRate: 0 }]).bolloCents).toBe(BOLLO_CENTS);
    expect(invoiceTotals([{ quantity: 1, unitPriceCents: 100000, vatRate: 22 }]).bolloCents).toBe(0);
    expect(invoiceTotals([{ quantity: 1, unitPriceCents: 100000, vatRate: 22 }], { bollo: true }).bolloCents).toBe(BOLLO_CENTS);
  });
  it('withholding tax reduces what the client pays, not the document total', () => {
    const t = invoiceTotals([{ quantity: 10, unitPriceCents: 10000, vatRate: 22 }], { ritenutaRate: 20 });
    expect(t.totalCents).toBe(122000);
    expect(t.ritenutaCents).toBe(20000);
    expect(t.dueCents).toBe(102000);
  });
  it('invoice totals always equal the sum of line totals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 100000 }).map((q) => q / 100), unitPriceCents: fc.integer({ min: 0, max: 10_000_000 }), vatRate: fc.constantFrom(0, 4, 5, 10, 22) }), { minLength: 1, maxLength: 20 }),
        (lines) => {
          const t = invoiceTotals(lines, { bollo: false });
          expect(t.netCents).toBe(t.lines.reduce((s, l) => s + l.netCents, 0));
          expect(t.totalCents).toBe(t.lines.reduce((s, l) => s + l.totalCents, 0));
          for (const l of t.lines) expect(Number.isInteger(l.netCents) && Number.isInteger(l.vatCents)).toBe(true);
        },
      ),
    );
  });
  it('instalments add up to the amount exactly', () => {
    expect(splitInstalments(10000, 3)).toEqual([3333, 3333, 3334]);
    expect(splitInstalments(5, 1)).toEqual([5]);
  });
});
