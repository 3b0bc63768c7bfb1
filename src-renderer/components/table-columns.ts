// Column priorities of the shared table (data-table.tsx), kept free of React and the DOM so the rules
// are unit-tested: priority 1 columns (what a row is, its status, its actions) are always shown; when
// the table does not fit its box, the columns with the highest priority number go first, one level
// at a time, and their values move under the row's lead cell instead of being cut off.

export interface ColumnPriority {
  id: string;
  /** 1 = always shown; larger numbers are hidden first when the table does not fit. */
  priority?: number;
}

export function priorityOf(c: ColumnPriority): number {
  return Math.max(1, Math.floor(c.priority ?? 1));
}

/** The largest priority among the columns: the level at which every column is shown. */
export function fullLevel(columns: readonly ColumnPriority[]): number {
  return columns.reduce((m, c) => Math.max(m, priorityOf(c)), 1);
}

/** Columns shown at `level` (every column whose priority is at most the level), in their order. */
export function shownAt<C extends ColumnPriority>(columns: readonly C[], level: number): C[] {
  return columns.filter((c) => priorityOf(c) <= level);
}

/** Columns hidden at `level`, in their order: their values are shown under the lead cell. */
export function hiddenAt<C extends ColumnPriority>(columns: readonly C[], level: number): C[] {
  return columns.filter((c) => priorityOf(c) > level);
}

/**
 * The next level to try after a measurement: one level down (to the next priority actually used)
 * while the table overflows and something can still be hidden, else the same level.
 */
export function nextLevel(columns: readonly ColumnPriority[], level: number, overflows: boolean): number {
  if (!overflows) return level;
  const lower = [...new Set(columns.map(priorityOf))].filter((p) => p < level).sort((a, b) => b - a);
  return lower[0] ?? level;
}

/** The lead column that carries the hidden values: the first always-shown one, else the first. */
export function leadColumn<C extends ColumnPriority>(columns: readonly C[]): C | undefined {
  return columns.find((c) => priorityOf(c) === 1) ?? columns[0];
}
