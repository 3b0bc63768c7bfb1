// Model version numbers (DESIGN §4): semver, 1.0.0 for the first model of a name, a minor bump for
// each retrain. Only the MAJOR.MINOR.PATCH core is used; versions compare numerically, not as text.
// Shared by the core (the registry) and the renderer (the Models page orders versions the same way).

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

const SEMVER = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/;

export const FIRST_VERSION = '1.0.0';

export function isSemver(text: string): boolean {
  return SEMVER.test(text);
}

/** Parses "1.2.0"; null when the text is not a version. */
export function semverOf(text: string): Semver | null {
  const m = SEMVER.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : null;
}

function strict(text: string): Semver {
  const v = semverOf(text);
  if (!v) throw new Error(`expected a version like 1.2.0, got "${text}"`);
  return v;
}

/** Orders versions numerically (1.10.0 after 1.9.0). */
export function compareSemver(a: string, b: string): number {
  const x = strict(a);
  const y = strict(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** The version after the highest one already used: 1.0.0 when none, else a minor bump of the highest. */
export function nextVersion(existing: readonly string[]): string {
  if (existing.length === 0) return FIRST_VERSION;
  const highest = [...existing].sort(compareSemver).at(-1)!;
  const v = strict(highest);
  return `${v.major}.${v.minor + 1}.0`;
}
