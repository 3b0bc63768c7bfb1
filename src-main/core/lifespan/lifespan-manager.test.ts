import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { LifespanManager } from './lifespan-manager';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, logger: createLogger({ consoleLevel: 'debug', console: stream }) };
}

describe('LifespanManager', () => {
  it('starts in order, stops in reverse, and logs the seed line', async () => {
    const { lines, logger } = capture();
    const events: string[] = [];
    const m = new LifespanManager(logger);
    for (const name of ['settings', 'database', 'worker']) {
      m.add({ name, start: () => void events.push(`start ${name}`), stop: () => void events.push(`stop ${name}`) });
    }
    await m.start();
    await m.stop();
    expect(events).toEqual(['start settings', 'start database', 'start worker', 'stop worker', 'stop database', 'stop settings']);
    expect(lines).toContain('INFO  | Self-learning systems initialized successfully');
  });

  it('bounds a hanging stop by its timeout and still stops the rest', async () => {
    const { lines, logger } = capture();
    const stopped: string[] = [];
    const m = new LifespanManager(logger)
      .add({ name: 'database', start: () => undefined, stop: () => void stopped.push('database') })
      .add({ name: 'queue', start: () => undefined, stop: () => new Promise(() => undefined), stopTimeoutMs: 50 });
    await m.start();
    const t0 = Date.now();
    await m.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(stopped).toEqual(['database']);
    expect(lines.some((l) => l.includes('queue did not stop within 50 ms'))).toBe(true);
    expect(m.statuses()).toEqual([
      { name: 'database', status: 'stopped' },
      { name: 'queue', status: 'failed' },
    ]);
  });

  it('on a failed start logs the seed error, stops what started, and rethrows', async () => {
    const { lines, logger } = capture();
    const stopped: string[] = [];
    const m = new LifespanManager(logger)
      .add({ name: 'database', start: () => undefined, stop: () => void stopped.push('database') })
      .add({ name: 'worker', start: () => Promise.reject(new Error('spawn failed')), stop: () => void stopped.push('worker') });
    await expect(m.start()).rejects.toThrow('spawn failed');
    expect(stopped).toEqual(['database']);
    expect(lines).toContain('ERROR | Failed to initialize self-learning systems: spawn failed');
  });
});
