import { describe, expect, it } from 'vitest';
import { allocatePayment, openCents } from './allocate-payment';

const rows = [
  { id: 2, dueDate: '2025-03-31', amountCents: 5000, paidCents: 0 },
  { id: 1, dueDate: '2025-02-28', amountCents: 5000, paidCents: 0 },
  { id: 3, dueDate: '2025-04-30', amountCents: 5001, paidCents: 0 },
];

describe('payment allocation', () => {
  it('settles the oldest due instalment first', () => {
    expect(allocatePayment(rows, 5000)).toEqual([{ kind: 'settle', id: 1, cents: 5000 }]);
  });
  it('splits the instalment it does not cover', () => {
    expect(allocatePayment(rows, 7000)).toEqual([
      { kind: 'settle', id: 1, cents: 5000 },
      { kind: 'split', id: 2, dueDate: '2025-03-31', cents: 2000 },
    ]);
  });
  it('pays everything when given the open amount', () => {
    const steps = allocatePayment(rows, openCents(rows));
    expect(steps.map((s) => s.kind)).toEqual(['settle', 'settle', 'settle']);
    expect(steps.reduce((s, x) => s + x.cents, 0)).toBe(15001);
  });
  it('counts what was already paid on a row', () => {
    expect(allocatePayment([{ id: 9, dueDate: '2025-01-31', amountCents: 1000, paidCents: 400 }], 600)).toEqual([{ kind: 'settle', id: 9, cents: 600 }]);
  });
  it('refuses to leave money unassigned', () => {
    expect(() => allocatePayment(rows, 20000)).toThrow(/unassigned/);
  });
});
