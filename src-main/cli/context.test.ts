import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatTable, printJsonStreamed } from './context';

/** A slow sink with a tiny buffer, so the writer has to wait for 'drain'. */
function slowSink(): { out: Writable; text: () => string; drains: () => number } {
  const chunks: string[] = [];
  let drains = 0;
  const out = new Writable({
    highWaterMark: 256,
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(cb);
    },
  });
  out.on('drain', () => drains++);
  return { out, text: () => chunks.join(''), drains: () => drains };
}

describe('printJsonStreamed', () => {
  it('writes exactly what JSON.stringify(value, null, 2) writes, waiting for the sink to drain', async () => {
    const value = {
      rows: 3,
      nothingWritten: false,
      note: 'riga "1"\nseconda',
      nested: { a: [1, 2], b: null },
      empty: [],
      rejects: Array.from({ length: 2000 }, (_, i) => ({ line: i + 2, field: 'issue_date', column: i % 2 ? null : 'Data', reason: `"${i}" is not a date` })),
      mixed: [1, 'due', undefined, { x: [] }],
      skipped: undefined,
    };
    const sink = slowSink();
    await printJsonStreamed(value, sink.out);
    expect(sink.text()).toBe(JSON.stringify(value, null, 2) + '\n');
    expect(sink.drains()).toBeGreaterThan(0);
  });

  it('writes {} for an empty object', async () => {
    const sink = slowSink();
    await printJsonStreamed({}, sink.out);
    expect(sink.text()).toBe('{}\n');
  });
});

describe('formatTable', () => {
  it('aligns 300,000 rows (more than a spread of Math.max arguments can take)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => ({ line: i + 1, reason: i === 299_999 ? 'the longest reason of all' : 'short' }));
    const text = formatTable(rows, [
      { header: 'Line', value: (r) => r.line, align: 'right' },
      { header: 'Reason', value: (r) => r.reason },
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(300_002);
    expect(lines[1]).toBe(`${'─'.repeat(6)}  ${'─'.repeat('the longest reason of all'.length)}`);
    expect(lines[2]).toBe('     1  short');
    expect(lines.at(-1)).toBe('300000  the longest reason of all');
  });
});
