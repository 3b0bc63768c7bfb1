// Counts fuzz cases per surface and prints them, so a CI log shows how many inputs each surface got.
// OPENFATTURE_FUZZ_RUNS overrides the per-property case count (e.g. a longer soak locally).
export function fuzzRuns(defaultRuns: number): number {
  const n = Number(process.env.OPENFATTURE_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : defaultRuns;
}

export function recordFuzz(surface: string, cases: number, crashes = 0): void {
  console.log(`FUZZ ${surface}: ${cases} cases, ${crashes} crashes`);
}
