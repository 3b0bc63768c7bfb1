import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics';
import { seededRandom } from '../random';
import { applyPlatt, calibrateQuantiles, cdfAt, coverageCurve, fitCalibration, fitPlatt, LEVELS, P10, P90, quantileAt, reliabilityCurve } from './calibration';

const L = LEVELS.length;

describe('interval calibration', () => {
  it('widens a band that is too narrow so that fresh outcomes land inside at the nominal rate', () => {
    const rnd = seededRandom(1);
    // The outcome is N(μ, 10²) but the raw quantiles believe σ = 3 (too confident), shifted by 2.
    const z = [-1.645, -1.2816, -0.8416, -0.6745, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.6745, 0.8416, 1.2816, 1.645];
    const sample = (n: number) => {
      const q = new Float64Array(n * L);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const mu = rnd() * 50;
        z.forEach((zk, k) => (q[i * L + k] = mu + 2 + 3 * zk));
        const u = Math.max(1e-12, rnd());
        y[i] = mu + 10 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
      }
      return { q, y };
    };
    const cal = sample(2000);
    const calibration = fitCalibration(cal.q, cal.y, new Float64Array(2000).fill(0.5), Array.from({ length: 2000 }, () => rnd() < 0.5));
    expect(calibration.rows).toBe(2000);
    const fresh = sample(4000);
    const rawRows = Array.from({ length: 4000 }, (_, i) => fresh.q.slice(i * L, (i + 1) * L));
    const before = coverageCurve(rawRows, [...fresh.y]).find((c) => c.nominal === 0.8)!.observed;
    const after = coverageCurve(rawRows.map((q) => calibrateQuantiles(Float64Array.from(q), calibration.shifts)), [...fresh.y]);
    expect(before).toBeLessThan(0.4);
    for (const c of after) expect(Math.abs(c.observed - c.nominal)).toBeLessThan(0.04);
  });

  it('keeps the raw forest when the calibration slice is too small', () => {
    const c = fitCalibration(new Float64Array(10 * L), new Float64Array(10), new Float64Array(10), new Array(10).fill(false));
    expect(c.rows).toBe(0);
    expect(c.shifts.every((s) => s === 0)).toBe(true);
  });

  it('keeps calibrated quantiles ascending and inverts between quantiles and the CDF', () => {
    const q = calibrateQuantiles(Float64Array.from(LEVELS, (l) => l * 100), LEVELS.map((_, k) => (k === P90 ? -50 : 0)));
    for (let k = 1; k < L; k++) expect(q[k]!).toBeGreaterThanOrEqual(q[k - 1]!);
    const r = Float64Array.from(LEVELS, (l) => 10 + l * 40);
    for (const u of [0.1, 0.33, 0.5, 0.77, 0.9]) expect(cdfAt(r, quantileAt(r, u))).toBeCloseTo(u, 9);
    expect(cdfAt(r, 0)).toBe(0);
    expect(cdfAt(r, 1000)).toBe(1);
    expect(quantileAt(r, 0.1)).toBe(r[P10]);
  });
});

describe('late-probability calibration (Platt)', () => {
  it('maps overconfident probabilities to observed rates without changing their order', () => {
    const rnd = seededRandom(2);
    const raw: number[] = [];
    const late: boolean[] = [];
    for (let i = 0; i < 3000; i++) {
      const truth = rnd();
      late.push(rnd() < truth);
      // Overconfident: pushed towards 0 and 1.
      raw.push(truth < 0.5 ? truth * truth * 2 : 1 - (1 - truth) * (1 - truth) * 2);
    }
    const platt = fitPlatt(raw, late);
    const calibrated = raw.map((p) => applyPlatt(p, platt));
    expect(rocAuc(late, calibrated)).toBeCloseTo(rocAuc(late, raw)!, 5);
    const err = (ps: number[]) => reliabilityCurve(ps, late).reduce((s, b) => s + b.n * Math.abs(b.meanPredicted - b.observedRate), 0) / ps.length;
    expect(err(calibrated)).toBeLessThan(err(raw) * 0.7);
    expect(fitPlatt([0.2, 0.4], [true, true])).toEqual({ a: 1, b: 0 });
  });
});

describe('coverage curve', () => {
  it('counts outcomes inside each nominal interval and its mean width', () => {
    const q = Float64Array.from(LEVELS, (l) => l * 100);
    const curve = coverageCurve([q, q, q, q], [50, 15, 85, 99]);
    const band = curve.find((c) => c.nominal === 0.8)!;
    expect(band.observed).toBe(0.75); // 50, 15, 85 inside [10, 90]; 99 outside
    expect(band.meanWidth).toBeCloseTo(80, 9);
    expect(curve.find((c) => c.nominal === 0.2)!.observed).toBe(0.25);
  });
});
