// Proves the ml-cart patch (patches/ml-cart+*.patch): the O(n log n) split search grows the same
// regression trees as the original exhaustive search on tie-free data, and is much faster.
import { describe, expect, it } from 'vitest';
import { DecisionTreeRegression } from 'ml-cart';
import { RandomForestRegression } from 'ml-random-forest';
import { seededRandom } from './synthetic-history';

interface TreeNodeJson {
  splitColumn?: number;
  splitValue?: number;
  gain?: number | null;
  numberSamples?: number;
  distribution?: number;
  left?: TreeNodeJson;
  right?: TreeNodeJson;
}

interface Tree {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
  toJSON(): { root: TreeNodeJson };
}

const makeTree = (options: Record<string, unknown>): Tree => new DecisionTreeRegression(options) as unknown as Tree;

/** Continuous features and targets: no ties in values, so both searches must agree exactly. */
function dataset(rnd: () => number, n: number, d: number): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => rnd() * 100);
    x.push(row);
    y.push(2 * row[0]! + (d > 1 ? Math.sin(row[1]! / 9) * 40 : 0) + rnd() * 25);
  }
  return { x, y };
}

/**
 * The original ml-cart 2.1.1 root split search, transcribed: candidates between consecutive
 * sorted values whose targets differ, each scored by rescanning all rows (two-pass squared error).
 */
function referenceRootSplit(x: number[][], y: number[]): { column: number; value: number; error: number } {
  const sse = (a: number[]) => {
    if (!a.length) return 0;
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    return a.reduce((s, v) => s + (v - m) * (v - m), 0);
  };
  let best = { column: -1, value: NaN, error: Infinity };
  for (let j = 0; j < x[0]!.length; j++) {
    const pairs = x.map((r, i) => [r[j]!, y[i]!] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < pairs.length; i++) {
      if (pairs[i - 1]![1] === pairs[i]![1]) continue;
      const value = (pairs[i - 1]![0] + pairs[i]![0]) / 2;
      const lesser: number[] = [];
      const greater: number[] = [];
      x.forEach((r, k) => (r[j]! < value ? lesser : greater).push(y[k]!));
      const error = sse(greater) + sse(lesser);
      if (error < best.error) best = { column: j, value, error };
    }
  }
  return best;
}

describe('patched ml-cart regression trees', () => {
  it('picks the same root split as the original algorithm', () => {
    const rnd = seededRandom(99);
    for (let t = 0; t < 20; t++) {
      const { x, y } = dataset(rnd, 30 + Math.floor(rnd() * 120), 1 + Math.floor(rnd() * 5));
      const tree = makeTree({ maxDepth: 3, minNumSamples: 3 });
      tree.train(x, y);
      const root = tree.toJSON().root;
      const ref = referenceRootSplit(x, y);
      expect(root.splitColumn).toBe(ref.column);
      expect(root.splitValue).toBe(ref.value);
      expect(root.gain).toBe(ref.error);
    }
  });

  it('grows identical trees (same JSON, same predictions) as the original on tie-free datasets', () => {
    const rnd = seededRandom(2024);
    for (let t = 0; t < 60; t++) {
      const { x, y } = dataset(rnd, 20 + Math.floor(rnd() * 180), 1 + Math.floor(rnd() * 6));
      const options = { maxDepth: 1 + Math.floor(rnd() * 9), minNumSamples: 1 + Math.floor(rnd() * 6) };
      const original = makeTree({ ...options, fastSplit: false });
      const patched = makeTree(options);
      original.train(x, y);
      patched.train(x, y);
      expect(JSON.stringify(patched.toJSON().root)).toBe(JSON.stringify(original.toJSON().root));
      const probe = dataset(rnd, 50, x[0]!.length).x;
      expect(patched.predict(probe)).toEqual(original.predict(probe));
    }
  });

  it('grows identical trees on features with many repeated values (flags, months, counts), the histogram path', () => {
    const rnd = seededRandom(31);
    const cardinalities = [2, 7, 12, 40, 500];
    for (let t = 0; t < 40; t++) {
      const n = 30 + Math.floor(rnd() * 250);
      const cards = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => cardinalities[Math.floor(rnd() * cardinalities.length)]!);
      const x = Array.from({ length: n }, () => cards.map((c) => Math.floor(rnd() * c)));
      const y = x.map((r) => 3 * r[0]! + (r[1] ?? 0) + rnd() * 20);
      const options = { maxDepth: 1 + Math.floor(rnd() * 10), minNumSamples: 1 + Math.floor(rnd() * 5) };
      const original = makeTree({ ...options, fastSplit: false });
      const patched = makeTree(options);
      original.train(x, y);
      patched.train(x, y);
      expect(JSON.stringify(patched.toJSON().root)).toBe(JSON.stringify(original.toJSON().root));
    }
  });

  it('the forest trains from columns with the same bootstrap and feature draws: identical forests', () => {
    const rnd = seededRandom(77);
    for (let t = 0; t < 8; t++) {
      const n = 60 + Math.floor(rnd() * 150);
      const cards = [2, 12, 1e9, 40, 1e9].slice(0, 2 + Math.floor(rnd() * 4));
      const x = Array.from({ length: n }, () => cards.map((c) => (c > 1e6 ? rnd() * 100 : Math.floor(rnd() * c))));
      const y = x.map((r) => 2 * r[0]! + r[1]! + rnd() * 15);
      const forest = (treeOptions: Record<string, unknown>) => {
        const f = new RandomForestRegression({ nEstimators: 6, seed: 11 + t, maxFeatures: 0.8, replacement: false, useSampleBagging: true, noOOB: true, treeOptions: { maxDepth: 6, minNumSamples: 3, ...treeOptions } });
        f.train(x, y);
        return f.toJSON() as unknown as { baseModel: { indexes: number[][]; estimators: { root: unknown }[] } };
      };
      const original = forest({ fastSplit: false });
      const patched = forest({});
      expect(patched.baseModel.indexes).toEqual(original.baseModel.indexes);
      expect(JSON.stringify(patched.baseModel.estimators.map((e) => e.root))).toBe(JSON.stringify(original.baseModel.estimators.map((e) => e.root)));
    }
  });

  it('keeps the original stopping rules, including its quirk that a perfect split (error 0) makes a leaf', () => {
    const x = [[1], [2], [3], [4], [5], [6]];
    const y = [0, 0, 0, 10, 10, 10];
    const original = makeTree({ fastSplit: false, minNumSamples: 1 });
    const patched = makeTree({ minNumSamples: 1 });
    original.train(x, y);
    patched.train(x, y);
    expect(patched.toJSON().root).toEqual(original.toJSON().root);
    expect(patched.toJSON().root.gain).toBe(0);
    expect(patched.toJSON().root.left).toBeUndefined();
    expect(patched.predict([[0], [10]])).toEqual([5, 5]);
  });

  it('is at least 5× faster than the original on 1,500 rows', () => {
    const { x, y } = dataset(seededRandom(5), 1500, 6);
    const time = (options: Record<string, unknown>) => {
      const t0 = performance.now();
      makeTree({ maxDepth: 10, minNumSamples: 5, ...options }).train(x, y);
      return performance.now() - t0;
    };
    const original = time({ fastSplit: false });
    const patched = time({});
    expect(original / patched).toBeGreaterThan(5);
  });
});
