import { describe, expect, it } from 'vitest';
import { ReindexDebouncer, type DebounceTiming } from './reindex-debouncer';

const timing = (o: Partial<DebounceTiming> = {}): DebounceTiming => ({ debounceMs: 5000, maxWaitMs: 30_000, batchSize: 50, maxConcurrent: 3, immediate: false, ...o });

describe('ReindexDebouncer', () => {
  it('waits for quiet: a change resets the debounce, and the batch starts DEBOUNCE after the last one', () => {
    const q = new ReindexDebouncer(timing());
    expect(q.decide({ now: 1000, newChanges: true, duePending: 1, inFlight: 0 })).toBe(0);
    expect(q.decide({ now: 4000, newChanges: true, duePending: 2, inFlight: 0 })).toBe(0);
    expect(q.decide({ now: 8900, newChanges: false, duePending: 2, inFlight: 0 })).toBe(0);
    expect(q.decide({ now: 9000, newChanges: false, duePending: 2, inFlight: 0 })).toBe(1);
    // Everything was taken: the next change opens a fresh window.
    expect(q.decide({ now: 9100, newChanges: true, duePending: 1, inFlight: 1 })).toBe(0);
  });

  it('a steady stream cannot starve the index: the maximum wait fires even without quiet', () => {
    const q = new ReindexDebouncer(timing({ debounceMs: 2000, maxWaitMs: 10_000 }));
    let started = 0;
    let firstAt: number | null = null;
    for (let t = 0; t <= 12_000; t += 500) {
      const n = q.decide({ now: t, newChanges: true, duePending: 3, inFlight: 0 });
      if (n && firstAt === null) firstAt = t;
      started += n;
    }
    expect(firstAt).toBe(10_000);
    expect(started).toBeGreaterThan(0);
  });

  it('full batches start at once, partial ones wait for the debounce', () => {
    const q = new ReindexDebouncer(timing({ batchSize: 10 }));
    expect(q.decide({ now: 0, newChanges: true, duePending: 25, inFlight: 0 })).toBe(2);
    expect(q.decide({ now: 100, newChanges: true, duePending: 5, inFlight: 2 })).toBe(0);
    expect(q.decide({ now: 5200, newChanges: false, duePending: 5, inFlight: 0 })).toBe(1);
  });

  it('never exceeds MAX_CONCURRENT_UPDATES batches in flight', () => {
    const q = new ReindexDebouncer(timing({ batchSize: 10, maxConcurrent: 2 }));
    expect(q.decide({ now: 0, newChanges: true, duePending: 100, inFlight: 0 })).toBe(2);
    expect(q.decide({ now: 100, newChanges: false, duePending: 80, inFlight: 2 })).toBe(0);
    expect(q.decide({ now: 200, newChanges: false, duePending: 80, inFlight: 1 })).toBe(1);
  });

  it('ASYNC_PROCESSING=false: no debounce and one batch at a time', () => {
    const q = new ReindexDebouncer(timing({ immediate: true, batchSize: 10 }));
    expect(q.decide({ now: 0, newChanges: true, duePending: 1, inFlight: 0 })).toBe(1);
    expect(q.decide({ now: 10, newChanges: true, duePending: 50, inFlight: 1 })).toBe(0);
    expect(q.decide({ now: 20, newChanges: false, duePending: 50, inFlight: 0 })).toBe(1);
  });

  it('a backlog found at startup (no change seen) goes at once; settings apply live', () => {
    const q = new ReindexDebouncer(timing());
    expect(q.decide({ now: 100_000, newChanges: false, duePending: 7, inFlight: 0 })).toBe(1);
    q.update(timing({ debounceMs: 100 }));
    expect(q.decide({ now: 100_050, newChanges: true, duePending: 1, inFlight: 0 })).toBe(0);
    expect(q.decide({ now: 100_200, newChanges: false, duePending: 1, inFlight: 0 })).toBe(1);
  });
});
