// How a received amount settles an invoice's open instalments (scadenze): oldest due date first; an
// instalment the amount does not cover is split into a paid part and a smaller open remainder, so
// each payments row is either open or fully paid and every receipt keeps its own date.

export interface OpenInstalment {
  id: number;
  dueDate: string;
  amountCents: number;
  paidCents: number;
}

export type AllocationStep =
  /** The instalment is paid in full by this receipt. */
  | { kind: 'settle'; id: number; cents: number }
  /** Only `cents` of the instalment is paid: a paid row of `cents` is added, the open one shrinks by it. */
  | { kind: 'split'; id: number; dueDate: string; cents: number };

export function openCents(rows: readonly OpenInstalment[]): number {
  return rows.reduce((s, r) => s + (r.amountCents - r.paidCents), 0);
}

/** Plans the allocation; the caller has already checked 0 < amount ≤ outstanding. */
export function allocatePayment(rows: readonly OpenInstalment[], amountCents: number): AllocationStep[] {
  const ordered = [...rows].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id - b.id));
  const steps: AllocationStep[] = [];
  let remaining = amountCents;
  for (const row of ordered) {
    if (remaining <= 0) break;
    const need = row.amountCents - row.paidCents;
    if (need <= 0) continue;
    if (remaining >= need) {
      steps.push({ kind: 'settle', id: row.id, cents: need });
      remaining -= need;
    } else {
      steps.push({ kind: 'split', id: row.id, dueDate: row.dueDate, cents: remaining });
      remaining = 0;
    }
  }
  if (remaining > 0) throw new RangeError(`allocation left ${remaining} cents unassigned`);
  return steps;
}
