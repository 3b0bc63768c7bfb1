// Must fail lint: spreading a data-sized array into call arguments (each call is one error).
export function widest(rows: string[], into: string[], codes: number[]): number {
  into.push(...rows);
  into.unshift(...rows);
  void String.fromCharCode(...codes);
  return Math.max(0, ...rows.map((r) => r.length)) + Math.min(...codes);
}
