// SQL functions the app adds to every connection it queries through (SqlRunner.of). A PostgreSQL
// backend gives the same names their equivalents (fold_text: lower(unaccent(…))).

/** Lower case without accents ("Società" → "societa"): how searches compare text. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

interface FunctionHost {
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}

export function registerSqlFunctions(connection: FunctionHost): void {
  connection.function('fold_text', { deterministic: true }, (v) => (typeof v === 'string' ? foldText(v) : v));
}
