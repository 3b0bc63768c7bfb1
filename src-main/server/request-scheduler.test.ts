// The fair scheduler on its own: whose request runs next, how many at once, what is refused or dropped.
// Jobs here are plain functions that record when they start; the host's own tests run it under real
// sockets (browser-host.int.test.ts, tests/security/browser-host.security.test.ts).
import { describe, expect, it } from 'vitest';
import { RequestScheduler, type LaneState, type SchedulerLimits } from './request-scheduler';

const LIMITS: SchedulerLimits = { maxInFlightPerConnection: 2, maxQueuedPerConnection: 100, maxQueuedBytesPerConnection: 1_000_000, maxInFlightTotal: 3 };

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* a synchronous handler, like a SQLite query on the main thread */
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function scheduler(options: { limits?: Partial<SchedulerLimits>; state?: (k: string) => LaneState } = {}) {
  const errors: unknown[] = [];
  const drops: [string, number][] = [];
  const s = new RequestScheduler<string>({
    limits: { ...LIMITS, ...options.limits },
    stateOf: options.state ?? (() => 'ready'),
    onJobError: (e) => errors.push(e),
    onDropped: (k, n) => drops.push([k, n]),
  });
  return { s, errors, drops };
}

describe('RequestScheduler', () => {
  it('serves connections in turn: a second connection is not queued behind the first one’s backlog', async () => {
    const { s } = scheduler();
    const order: string[] = [];
    for (let i = 1; i <= 10; i++) s.submit('A', { bytes: 1, run: async () => void order.push(`A${i}`) });
    for (let i = 1; i <= 2; i++) s.submit('B', { bytes: 1, run: async () => void order.push(`B${i}`) });
    await until('all 12 jobs', () => order.length === 12);
    expect(order.slice(0, 5)).toEqual(['A1', 'B1', 'A2', 'B2', 'A3']);
    expect(s.load()).toMatchObject({ queued: 0, inFlight: 0, started: 12 });
  });

  it('a request arriving during a flood of synchronous work starts after at most one more flood request', async () => {
    const { s } = scheduler();
    const order: string[] = [];
    for (let i = 1; i <= 30; i++) {
      s.submit('flood', {
        bytes: 1,
        run: async () => {
          order.push(`F${i}`);
          busyWait(3);
          if (i === 5) s.submit('other', { bytes: 1, run: async () => void order.push('other') });
        },
      });
    }
    await until('the flood and the other request', () => order.length === 31);
    expect(order.indexOf('other')).toBeLessThanOrEqual(order.indexOf('F6') + 1);
    expect(order.indexOf('other')).toBeLessThan(order.indexOf('F7'));
  });

  it('yields to the event loop between two requests, so timers and socket reads run during a flood', async () => {
    const { s } = scheduler();
    const order: string[] = [];
    for (let i = 1; i <= 20; i++) s.submit('A', { bytes: 1, run: async () => { order.push(`A${i}`); busyWait(2); } });
    setTimeout(() => order.push('timer'), 0);
    await until('all jobs and the timer', () => order.length === 21);
    // Without yielding, the timer would fire only after the 20 jobs (~40 ms of synchronous work).
    expect(order.indexOf('timer')).toBeLessThan(4);
  });

  it('never runs more than the per-connection and global caps at once, and reaches both', async () => {
    const { s } = scheduler();
    const running = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    const maxPer = new Map<string, number>();
    let done = 0;
    const job = (lane: string, ms: number) => ({
      bytes: 1,
      run: async () => {
        total++;
        running.set(lane, (running.get(lane) ?? 0) + 1);
        maxTotal = Math.max(maxTotal, total);
        maxPer.set(lane, Math.max(maxPer.get(lane) ?? 0, running.get(lane)!));
        await new Promise((r) => setTimeout(r, ms));
        total--;
        running.set(lane, running.get(lane)! - 1);
        done++;
      },
    });
    // Two busy connections and a light one: with 3 slots, one of the busy ones gets its second slot.
    for (let i = 0; i < 12; i++) for (const lane of ['A', 'B']) s.submit(lane, job(lane, 5 + (i % 3) * 5));
    for (let i = 0; i < 2; i++) s.submit('C', job('C', 5));
    await until('26 jobs', () => done === 26);
    expect(maxTotal).toBe(3);
    expect(Math.max(...maxPer.values())).toBe(2);
  });

  it('refuses a request beyond the connection’s queue (count or bytes), naming the limit; others are unaffected', async () => {
    const { s } = scheduler({ limits: { maxQueuedPerConnection: 5, maxQueuedBytesPerConnection: 1000 } });
    let ran = 0;
    const outcomes = Array.from({ length: 8 }, () => s.submit('A', { bytes: 10, run: async () => void ran++ }));
    expect(outcomes.filter((o) => o.accepted)).toHaveLength(5);
    expect(outcomes[5]).toEqual({ accepted: false, reason: expect.stringContaining('5 requests are already waiting on this connection (the limit is 5)') });
    expect(s.submit('B', { bytes: 999, run: async () => void ran++ })).toEqual({ accepted: true });
    expect(s.submit('B', { bytes: 2, run: async () => void ran++ })).toEqual({ accepted: false, reason: expect.stringContaining('1001 bytes would be waiting on this connection (the limit is 1000 bytes)') });
    await until('the accepted jobs', () => ran === 6);
    expect(s.load()).toMatchObject({ refused: 4, started: 6 });
    // Once the queue has room again, the connection is served again.
    expect(s.submit('A', { bytes: 10, run: async () => void ran++ })).toEqual({ accepted: true });
    await until('the later job', () => ran === 7);
  });

  it('drops the queued requests of a closed connection without running them', async () => {
    let closed = false;
    const { s, drops } = scheduler({ state: (k) => (k === 'A' && closed ? 'closed' : 'ready') });
    const ran: string[] = [];
    for (let i = 1; i <= 50; i++) {
      s.submit('A', {
        bytes: 1,
        run: async () => {
          ran.push(`A${i}`);
          if (i === 3) closed = true;
        },
      });
    }
    s.submit('B', { bytes: 1, run: async () => void ran.push('B') });
    await until('B', () => ran.includes('B'));
    await until('the drop', () => drops.length === 1);
    expect(ran.filter((r) => r.startsWith('A'))).toEqual(['A1', 'A2', 'A3']);
    expect(drops).toEqual([['A', 47]]);
    expect(s.load()).toMatchObject({ queued: 0, dropped: 47 });
    // remove() on close (the socket's own event) drops what was queued since.
    for (let i = 0; i < 4; i++) s.submit('C', { bytes: 1, run: async () => void ran.push('C') });
    expect(s.remove('C')).toBe(4);
    expect(ran).not.toContain('C');
  });

  it('holds a blocked connection (unread replies) and serves the others until it catches up', async () => {
    let blocked = true;
    const { s } = scheduler({ state: (k) => (k === 'A' && blocked ? 'blocked' : 'ready') });
    const ran: string[] = [];
    for (let i = 0; i < 3; i++) s.submit('A', { bytes: 1, run: async () => void ran.push('A') });
    for (let i = 0; i < 3; i++) s.submit('B', { bytes: 1, run: async () => void ran.push('B') });
    await until('B served', () => ran.filter((r) => r === 'B').length === 3);
    expect(ran).not.toContain('A');
    blocked = false;
    await until('A served after catching up', () => ran.filter((r) => r === 'A').length === 3);
  });

  it('a job that throws or rejects is reported and frees its slot', async () => {
    const { s, errors } = scheduler({ limits: { maxInFlightPerConnection: 1, maxInFlightTotal: 1 } });
    let ran = 0;
    s.submit('A', { bytes: 1, run: () => { throw new Error('sync'); } });
    s.submit('A', { bytes: 1, run: () => Promise.reject(new Error('async')) });
    s.submit('A', { bytes: 1, run: async () => void ran++ });
    await until('the third job', () => ran === 1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync', 'async']);
    expect(s.load().inFlight).toBe(0);
  });

  it('close() drops what is queued and refuses new requests', () => {
    const { s } = scheduler();
    for (let i = 0; i < 5; i++) s.submit('A', { bytes: 1, run: async () => undefined });
    expect(s.close()).toBe(5);
    expect(s.submit('A', { bytes: 1, run: async () => undefined })).toEqual({ accepted: false, reason: 'the host is shutting down' });
  });
});
