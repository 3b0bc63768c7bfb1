// The real worker process (child_process.fork, bundled or through tsx: see node-worker.ts): jobs, progress, crashes and restarts.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { nodeWorkerSpawner } from './node-worker';
import { WorkerCrashedError, WorkerHost } from './worker-host';

const hosts: WorkerHost[] = [];
function host() {
  const h = new WorkerHost(nodeWorkerSpawner(), createLogger({ consoleLevel: 'silent' }));
  hosts.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

describe('WorkerHost with a Node worker', () => {
  it('runs a job in another process and reports progress', async () => {
    const h = host();
    const pong = await h.call('ping', {});
    expect(pong.pid).not.toBe(process.pid);
    const progress: number[] = [];
    const r = await h.call('cpu.primes', { limit: 200_000 }, { onProgress: (p) => progress.push(p.current) });
    expect(r.count).toBe(17_984); // π(200000)
    expect(progress.length).toBeGreaterThan(5);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('turns a job error into a rejected call without killing the worker', async () => {
    const h = host();
    await expect(h.call('cpu.primes', { limit: -1 })).rejects.toThrow('limit: must be an integer');
    expect((await h.call('ping', {})).pid).toBeGreaterThan(0);
    expect(h.health().crashes).toBe(0);
  });

  it('fails every pending call when the worker is killed mid-job, then restarts on the next call', async () => {
    const h = host();
    const first = (await h.call('ping', {})).pid;
    const a = h.call('cpu.primes', { limit: 50_000_000 }, { onProgress: () => h.kill() });
    const b = h.call('ping', {});
    await expect(a).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(b).rejects.toThrow(/worker crashed while running/);
    const again = await h.call('ping', {});
    expect(again.pid).not.toBe(first);
    expect(h.health()).toMatchObject({ crashes: 1, restarts: 1, pending: 0, running: true });
  });

  it('rejects an unknown job with a clear error', async () => {
    const h = host();
    // @ts-expect-error — deliberately not a declared job
    await expect(h.call('no.such.job', {})).rejects.toThrow('unknown worker job "no.such.job"');
  });
});
