// The thread pool with real worker_threads: the same forest as growing the trees inline, at most
// one thread per core, a cancelled training stops and leaves the pool usable, and two trainings
// share the threads.
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { QuantileForest } from './quantile-forest';
import { defaultTreeThreads, TreePool } from './tree-pool';

function data(n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rnd = seededRandom(seed);
  const x = new Float64Array(n * 4);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 4; f++) x[i * 4 + f] = f === 0 ? Math.floor(rnd() * 12) : rnd() * 100;
    y[i] = 3 * x[i * 4]! + 0.1 * x[i * 4 + 1]! + (rnd() - 0.5) * 10;
  }
  return { x, y };
}

const pool = new TreePool(2);
afterAll(() => pool.close());

describe('TreePool', () => {
  it('grows the same forest as inline training, with progress for every tree, on at most one thread per core', async () => {
    const { x, y } = data(3000, 1);
    const options = { trees: 16, seed: 5, maxDepth: 9, minLeaf: 5, featuresPerSplit: 2 };
    const done: number[] = [];
    const threaded = await QuantileForest.train(x, y, 4, options, pool, (d) => done.push(d));
    const inline = await QuantileForest.train(x, y, 4, options);
    expect(threaded.trees).toEqual(inline.trees);
    expect(done).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(pool.started).toBeLessThanOrEqual(2);
    expect(defaultTreeThreads()).toBe(typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  });

  it('stops a cancelled training with its reason, and the next training still works', async () => {
    const { x, y } = data(20_000, 2);
    const controller = new AbortController();
    const options = { trees: 400, seed: 1, maxDepth: 14, minLeaf: 2, featuresPerSplit: 4 };
    let grown = 0;
    const training = QuantileForest.train(x, y, 4, options, pool, (d) => {
      grown = d;
      if (d === 2) controller.abort(new Error('user cancelled'));
    }, controller.signal);
    await expect(training).rejects.toThrow('user cancelled');
    expect(grown).toBeLessThan(400);
    const small = data(500, 3);
    const after = await QuantileForest.train(small.x, small.y, 4, { trees: 4, seed: 2, maxDepth: 5, minLeaf: 5, featuresPerSplit: 2 }, pool);
    expect(after.trees).toHaveLength(4);
  });

  it('runs two trainings at once on the shared threads, each getting its own trees', async () => {
    const a = data(1500, 4);
    const b = data(1500, 5);
    const o = { trees: 10, seed: 3, maxDepth: 8, minLeaf: 5, featuresPerSplit: 3 };
    const [fa, fb] = await Promise.all([QuantileForest.train(a.x, a.y, 4, o, pool), QuantileForest.train(b.x, b.y, 4, o, pool)]);
    expect(fa.trees).toEqual((await QuantileForest.train(a.x, a.y, 4, o)).trees);
    expect(fb.trees).toEqual((await QuantileForest.train(b.x, b.y, 4, o)).trees);
  });
});
