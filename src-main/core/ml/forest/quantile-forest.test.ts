import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { binFeatures, binOf } from './binning';
import { QuantileForest } from './quantile-forest';
import { growTree, leafOf } from './regression-tree';
import { decodeTree, encodeTree } from './tree-codec';

/** y = 10·[x0 > 5] + x1 + noise, with a useless third column. */
function data(n: number, seed: number, noise = 1): { x: Float64Array; y: Float64Array } {
  const rnd = seededRandom(seed);
  const x = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * 3] = Math.floor(rnd() * 10);
    x[i * 3 + 1] = rnd() * 4;
    x[i * 3 + 2] = rnd();
    y[i] = (x[i * 3]! > 5 ? 10 : 0) + x[i * 3 + 1]! + (rnd() - 0.5) * 2 * noise;
  }
  return { x, y };
}

describe('feature binning', () => {
  it('keeps one bin per distinct value when there are few, with thresholds at the midpoints', () => {
    const x = Float64Array.from([3, 1, 2, 2, 7, 1]);
    const b = binFeatures(x, 6, 1);
    expect(b.bins[0]).toBe(4);
    expect([...b.thresholds[0]!]).toEqual([1.5, 2.5, 5]);
    expect([...b.codes]).toEqual([2, 0, 1, 1, 3, 0]);
    // A raw value routes like its bin: x ≤ threshold[b] ⟺ bin(x) ≤ b.
    for (const v of [0, 1, 1.5, 1.6, 2.5, 4.9, 5, 5.1, 100]) {
      const bin = binOf(b.thresholds[0]!, v);
      b.thresholds[0]!.forEach((t, k) => expect(v <= t).toBe(bin <= k));
    }
  });

  it('caps continuous features at 256 quantile bins that keep their order', () => {
    const n = 5000;
    const rnd = seededRandom(3);
    const x = Float64Array.from({ length: n }, () => rnd() * 1000);
    const b = binFeatures(x, n, 1);
    expect(b.bins[0]).toBe(256);
    const order = [...x.keys()].sort((i, j) => x[i]! - x[j]!);
    for (let k = 1; k < n; k++) expect(b.codes[order[k]!]!).toBeGreaterThanOrEqual(b.codes[order[k - 1]!]!);
    // Roughly equal counts per bin.
    const counts = new Array(256).fill(0);
    for (const c of b.codes) counts[c]++;
    expect(Math.max(...counts)).toBeLessThan(3 * (n / 256));
  });
});

describe('regression tree', () => {
  it('finds the step and the slope, respects depth and leaf size, and keeps each leaf\'s targets sorted', () => {
    const { x, y } = data(2000, 1, 0.2);
    const b = binFeatures(x, 2000, 3);
    const t = growTree(b, y, 7, { maxDepth: 6, minLeaf: 20, featuresPerSplit: 3 });
    expect(t.feature[0]).toBe(0); // the step on x0 explains most of the variance
    expect(t.threshold[0]).toBe(5.5);
    const depth = (node: number): number => (t.feature[node]! < 0 ? 0 : 1 + Math.max(depth(t.left[node]!), depth(t.right[node]!)));
    expect(depth(0)).toBeLessThanOrEqual(6);
    for (let node = 0; node < t.feature.length; node++) {
      if (t.feature[node]! >= 0) continue;
      let w = 0;
      for (let e = t.leafStart[node]!; e < t.leafStart[node]! + t.leafCount[node]!; e++) {
        w += t.entryW[e]!;
        if (e > t.leafStart[node]!) expect(t.entryY[e]!).toBeGreaterThanOrEqual(t.entryY[e - 1]!);
      }
      expect(w).toBeGreaterThanOrEqual(20);
    }
    const probe = Float64Array.from([8, 2, 0.5]);
    expect(t.value[leafOf(t, probe)]).toBeCloseTo(12, 0);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const { x, y } = data(500, 2);
    const b = binFeatures(x, 500, 3);
    const o = { maxDepth: 8, minLeaf: 3, featuresPerSplit: 2 };
    expect(growTree(b, y, 11, o)).toEqual(growTree(b, y, 11, o));
    expect(growTree(b, y, 12, o).threshold).not.toEqual(growTree(b, y, 11, o).threshold);
  });

  it('survives an encode/decode round trip and rejects a tampered tree naming the problem', () => {
    const { x, y } = data(300, 3);
    const t = growTree(binFeatures(x, 300, 3), y, 5, { maxDepth: 5, minLeaf: 5, featuresPerSplit: 3 });
    const enc = encodeTree(t);
    expect(decodeTree(JSON.parse(JSON.stringify(enc)), 3, 'tree')).toEqual(t);
    expect(() => decodeTree(enc, 2, 'tree')).toThrow(/splits on feature/);
    const left = Int32Array.from(t.left);
    left[0] = 0; // a cycle
    expect(() => decodeTree({ ...enc, left: Buffer.from(left.buffer).toString('base64') }, 3, 'trees[4]')).toThrow(/trees\[4\]: node 0 has children out of order/);
    expect(() => decodeTree({ ...enc, entryY: 'AAAA' }, 3, 'tree')).toThrow(/entryY: 3 bytes/);
  });
});

describe('quantile regression forest', () => {
  it('gives quantiles that cover fresh data at their level and a mean close to the truth', async () => {
    const { x, y } = data(3000, 4, 3);
    const forest = await QuantileForest.train(x, y, 3, { trees: 40, seed: 1, maxDepth: 10, minLeaf: 10, featuresPerSplit: 2 });
    const test = data(2000, 5, 3);
    const leaves = forest.leaves(test.x, 2000);
    const mean = forest.mean(leaves, 2000);
    const { quantiles, event } = forest.distribution(leaves, 2000, [0.1, 0.5, 0.9], 8);
    let inside = 0;
    let below10 = 0;
    let err = 0;
    let brier = 0;
    for (let i = 0; i < 2000; i++) {
      const v = test.y[i]!;
      if (v >= quantiles[i * 3]! && v <= quantiles[i * 3 + 2]!) inside++;
      if (v < quantiles[i * 3]!) below10++;
      err += Math.abs(mean[i]! - v);
      brier += (event[i]! - (v > 8 ? 1 : 0)) ** 2;
    }
    // Noise is uniform ±3 around the signal: a good forest's 80% band holds about 80%, each tail about 10%.
    expect(inside / 2000).toBeGreaterThan(0.7);
    expect(inside / 2000).toBeLessThan(0.9);
    expect(below10 / 2000).toBeGreaterThan(0.04);
    expect(below10 / 2000).toBeLessThan(0.16);
    expect(err / 2000).toBeLessThan(2);
    expect(brier / 2000).toBeLessThan(0.12);
    for (let i = 0; i < 2000; i++) expect(quantiles[i * 3]!).toBeLessThanOrEqual(quantiles[i * 3 + 2]!);
  });

  it('walks the mixture of leaf distributions exactly: the same quantiles and event mass as sorting their union', async () => {
    const { x, y } = data(600, 8, 4);
    const forest = await QuantileForest.train(x, y, 3, { trees: 15, seed: 4, maxDepth: 6, minLeaf: 6, featuresPerSplit: 2 });
    const levels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];
    const rows = 50;
    const leaves = forest.leaves(x, rows);
    const got = forest.distribution(leaves, rows, levels, 7);
    for (let r = 0; r < rows; r++) {
      const pairs: [number, number][] = [];
      forest.trees.forEach((t, k) => {
        const leaf = leaves[r * forest.trees.length + k]!;
        let total = 0;
        for (let e = t.leafStart[leaf]!; e < t.leafStart[leaf]! + t.leafCount[leaf]!; e++) total += t.entryW[e]!;
        for (let e = t.leafStart[leaf]!; e < t.leafStart[leaf]! + t.leafCount[leaf]!; e++) pairs.push([t.entryY[e]!, t.entryW[e]! / total / forest.trees.length]);
      });
      pairs.sort((a, b) => a[0] - b[0]);
      let cum = 0;
      let q = 0;
      for (const [v, w] of pairs) {
        cum += w;
        while (q < levels.length && cum >= levels[q]! - 1e-12) expect(got.quantiles[r * levels.length + q++]).toBe(v);
      }
      expect(got.event[r]).toBeCloseTo(pairs.filter(([v]) => v > 7).reduce((s, [, w]) => s + w, 0), 12);
    }
  });

  it('serialises to JSON and back with identical predictions; prefixes use the first trees', async () => {
    const { x, y } = data(800, 6);
    const forest = await QuantileForest.train(x, y, 3, { trees: 12, seed: 9, maxDepth: 8, minLeaf: 4, featuresPerSplit: 2 });
    const back = QuantileForest.decode(JSON.parse(JSON.stringify(forest.encode())));
    const leaves = forest.leaves(x, 800);
    expect(back.leaves(x, 800)).toEqual(leaves);
    expect(back.mean(leaves, 800)).toEqual(forest.mean(leaves, 800));
    const small = await QuantileForest.train(x, y, 3, { trees: 5, seed: 9, maxDepth: 8, minLeaf: 4, featuresPerSplit: 2 });
    expect(forest.prefix(5).trees).toEqual(small.trees);
    const imp = forest.featureImportance();
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(imp[2]!).toBeLessThan(imp[0]!);
  });
});
