import { describe, expect, it } from 'vitest';
import { F, MATCH_FEATURE_COUNT } from './match-features';
import { loadMatcher, ruleArtifact, ruleScorer, serializeMatcher, trainLogistic, type LabelledCandidate } from './match-scorers';

function rows(n: number, seed: number): LabelledCandidate[] {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const out: LabelledCandidate[] = [];
  for (let i = 0; i < n; i++) {
    const f = new Float64Array(MATCH_FEATURE_COUNT);
    f[F.amount_exact] = r() < 0.5 ? 1 : 0;
    f[F.number_score] = r();
    f[F.due_distance] = r() * 3;
    const z = -2 + 2.5 * f[F.amount_exact]! + 4 * f[F.number_score]! - 1 * f[F.due_distance]!;
    out.push({ features: f, label: r() < 1 / (1 + Math.exp(-z)) ? 1 : 0 });
  }
  return out;
}

describe('trainLogistic', () => {
  it('learns which features point at the right candidate, and its probabilities are calibrated', () => {
    const a = trainLogistic(rows(4000, 1));
    const w = (f: number) => a.weights[f]! / a.scale[f]!;
    expect(w(F.amount_exact)).toBeGreaterThan(1.8);
    expect(w(F.amount_exact)).toBeLessThan(3.2);
    expect(w(F.number_score)).toBeGreaterThan(3);
    expect(w(F.due_distance)).toBeLessThan(-0.6);
    // Held-out rows: the mean predicted probability is close to the share of positives.
    const scorer = loadMatcher(serializeMatcher(a), '1.0.0');
    const test = rows(4000, 2);
    const mean = test.reduce((s, r) => s + scorer.score(Float64Array.from(r.features)), 0) / test.length;
    const share = test.filter((r) => r.label === 1).length / test.length;
    expect(Math.abs(mean - share)).toBeLessThan(0.03);
  });

  it('refuses to train without both confirmed and rejected candidates', () => {
    const only = rows(50, 3).map((r) => ({ ...r, label: 1 as const }));
    expect(() => trainLogistic(only)).toThrow(/confirmed and rejected/);
  });

  it('reports its Newton steps', () => {
    const steps: number[] = [];
    trainLogistic(rows(500, 4), {}, (done) => steps.push(done));
    expect(steps.length).toBeGreaterThan(1);
    expect(steps).toEqual([...steps].sort((x, y) => x - y));
  });
});

describe('matcher artifacts', () => {
  it('round-trip: the loaded model scores exactly as the trained one', () => {
    const a = trainLogistic(rows(1000, 5));
    const once = loadMatcher(serializeMatcher(a), '1.1.0');
    const twice = loadMatcher(serializeMatcher(once.artifact), '1.1.0');
    for (const r of rows(100, 6)) expect(twice.score(Float64Array.from(r.features))).toBe(once.score(Float64Array.from(r.features)));
  });

  it('refuses an artifact of another format, another feature list or with broken numbers', () => {
    const good = JSON.parse(serializeMatcher(ruleArtifact())) as Record<string, unknown>;
    expect(() => loadMatcher('{', '1.0.0')).toThrow(/not JSON/);
    expect(() => loadMatcher(JSON.stringify({ ...good, format: 'x' }), '1.0.0')).toThrow(/unknown artifact format/);
    expect(() => loadMatcher(JSON.stringify({ ...good, featureNames: ['a'] }), '1.0.0')).toThrow(/other features/);
    expect(() => loadMatcher(JSON.stringify({ ...good, weights: (good.weights as number[]).map(() => null) }), '1.0.0')).toThrow(/weights/);
  });

  it('version 0 prefers a named exact invoice to an unnamed one', () => {
    const named = new Float64Array(MATCH_FEATURE_COUNT);
    named[F.amount_exact] = 1;
    named[F.number_score] = 1;
    named[F.number_all_named] = 1;
    const unnamed = new Float64Array(MATCH_FEATURE_COUNT);
    unnamed[F.amount_exact] = 1;
    unnamed[F.number_rel_best] = -1;
    unnamed[F.other_invoice_named] = 1;
    const v0 = ruleScorer();
    expect(v0.score(named)).toBeGreaterThan(0.95);
    expect(v0.score(unnamed)).toBeLessThan(0.2);
  });
});
