// Flood fairness of the browser host (`openfatture serve`, demo data: 60 clients, 2,000 invoices):
// one socket sends 10,000 `invoices:list` requests at once while a second socket keeps asking
// `status:get` (one at a time, 20 ms apart, as a polling page does). Target: the second socket's
// status:get p99 < 500 ms during the flood. Baseline in the same run: the same status:get loop with
// the flooding socket connected but idle. Also reported: how many flood requests got BUSY (over the
// connection's queue limit), how many were served, and the flood's throughput against the same
// invoices:list sent one at a time on an idle host.
// Run: npx tsx bench/ws-flood.bench.ts [--flood N] [--samples N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { percentile, report } from './report';
import { CLI, ROOT, startServe } from './serve-process';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FLOOD = arg('--flood', 10_000);
const BASELINE_SAMPLES = arg('--samples', 200);
const SEQUENTIAL_LISTS = 100;
const PROBE_GAP_MS = 20;
const DEMO = { clients: 60, invoices: 2000 };
const LIST_ARGS = { limit: 100 };

interface Reply {
  id: number;
  result: { ok: boolean; error?: { code: string; message: string } };
}

/** One client socket; requests resolve with their response, matched by id. */
class Client {
  private seq = 0;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  onReply: ((r: Reply) => void) | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Partial<Reply>;
      if (typeof msg.id !== 'number') return;
      this.onReply?.(msg as Reply);
      const done = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      done?.(msg as Reply);
    });
  }

  static open(url: string): Promise<Client> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`, { headers: { Origin: u.origin } });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  request(channel: string, args: unknown): Promise<Reply> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, channel, args }));
    });
  }

  /** Sends without waiting (the flood); answers arrive through onReply. */
  fire(channel: string, args: unknown): void {
    this.ws.send(JSON.stringify({ id: ++this.seq, channel, args }));
  }

  close(): void {
    this.ws.close();
  }
}

async function timedStatus(probe: Client): Promise<number> {
  const t0 = performance.now();
  const r = await probe.request('status:get', {});
  if (!r.result.ok) throw new Error(`status:get failed: ${JSON.stringify(r.result.error)}`);
  return performance.now() - t0;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-flood-'));
  const seed = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'demo', 'seed', '--clients', String(DEMO.clients), '--invoices', String(DEMO.invoices)], { encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`demo seed failed: ${seed.stderr}`);
  if (!fs.existsSync(path.join(ROOT, 'dist-renderer/index.html'))) spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const loadBefore = os.loadavg()[0]!;
  const serve = await startServe(dataDir);
  const flood = await Client.open(serve.url);
  const probe = await Client.open(serve.url);
  try {
    // Warm-up: prepared statements, the first status computation.
    for (let i = 0; i < 10; i++) {
      await timedStatus(probe);
      await flood.request('invoices:list', LIST_ARGS);
    }

    // Baseline 1: status:get with the other socket connected and idle.
    const idle: number[] = [];
    for (let i = 0; i < BASELINE_SAMPLES; i++) {
      idle.push(await timedStatus(probe));
      await pause(PROBE_GAP_MS);
    }

    // Baseline 2: invoices:list one at a time on an idle host (what one request costs).
    const s0 = performance.now();
    for (let i = 0; i < SEQUENTIAL_LISTS; i++) {
      const r = await flood.request('invoices:list', LIST_ARGS);
      if (!r.result.ok) throw new Error(`invoices:list failed: ${JSON.stringify(r.result.error)}`);
    }
    const sequentialPerSecond = SEQUENTIAL_LISTS / ((performance.now() - s0) / 1000);

    // The flood: FLOOD requests at once on one socket; status:get polled on the other until it is over.
    let served = 0;
    let busy = 0;
    let otherErrors = 0;
    let answered = 0;
    let lastAnswerAt = 0;
    let busyLimitText = '';
    flood.onReply = (r) => {
      answered++;
      lastAnswerAt = performance.now();
      if (r.result.ok) served++;
      else if (r.result.error?.code === 'BUSY') {
        busy++;
        busyLimitText ||= r.result.error.message;
      } else otherErrors++;
    };
    const during: number[] = [];
    const f0 = performance.now();
    for (let i = 0; i < FLOOD; i++) flood.fire('invoices:list', LIST_ARGS);
    const sentMs = performance.now() - f0;
    while (answered < FLOOD) {
      during.push(await timedStatus(probe));
      await pause(PROBE_GAP_MS);
    }
    const floodSeconds = (lastAnswerAt - f0) / 1000;
    const loadAfter = os.loadavg()[0]!;
    const p99 = percentile(during, 99);
    console.log(`flood: ${FLOOD} sent in ${sentMs.toFixed(0)} ms; ${served} served, ${busy} BUSY, ${otherErrors} other errors in ${floodSeconds.toFixed(1)} s; ${during.length} status:get samples during it`);
    if (busyLimitText) console.log(`BUSY answer: ${busyLimitText}`);

    report({
      bench: 'ws-flood',
      title: `Browser host flood fairness (${FLOOD.toLocaleString('en')} invoices:list on one socket, status:get on another; demo data)`,
      command: `npx tsx bench/ws-flood.bench.ts --flood ${FLOOD} --samples ${BASELINE_SAMPLES}`,
      settings: { clients: DEMO.clients, invoices: DEMO.invoices, flood: FLOOD, listLimit: LIST_ARGS.limit, probeGapMs: PROBE_GAP_MS, baselineSamples: BASELINE_SAMPLES, loadavgBefore: Math.round(loadBefore * 100) / 100, loadavgAfter: Math.round(loadAfter * 100) / 100 },
      notes: [
        'The host runs in its own process (openfatture serve); both sockets belong to the bench process.',
        `status:get is sent one at a time, ${PROBE_GAP_MS} ms after the previous answer, during the whole flood (${during.length} samples) and for the baseline (${idle.length} samples, the flooding socket connected and idle).`,
        'Requests beyond the connection\'s queue are answered BUSY at once without running; "served" are the flood requests that ran.',
        'During the flood the host alternates between the two sockets, so the flood\'s throughput is shared with the status:get requests it interleaves.',
      ],
      figures: [
        { metric: 'status:get p99 during the flood', value: p99, unit: 'ms', baseline: { label: 'idle, p99', value: percentile(idle, 99) }, target: '< 500 ms', met: p99 < 500 },
        { metric: 'status:get p50 during the flood', value: percentile(during, 50), unit: 'ms', baseline: { label: 'idle, p50', value: percentile(idle, 50) } },
        { metric: 'status:get max during the flood', value: during.reduce((a, b) => Math.max(a, b)), unit: 'ms', baseline: { label: 'idle, max', value: idle.reduce((a, b) => Math.max(a, b)) } },
        { metric: 'flood requests answered BUSY', value: busy, unit: 'requests' },
        { metric: 'flood requests served', value: served, unit: 'requests' },
        { metric: 'flood requests answered otherwise (errors)', value: otherErrors, unit: 'requests', target: '= 0', met: otherErrors === 0 },
        { metric: 'flood throughput (served invoices:list per second)', value: served / floodSeconds, unit: 'req/s', baseline: { label: 'one at a time, idle host', value: sequentialPerSecond } },
        { metric: 'flood answers per second (served + BUSY)', value: answered / floodSeconds, unit: 'answers/s' },
        { metric: 'flood duration (first sent → last answered)', value: floodSeconds, unit: 's' },
      ],
    });
  } finally {
    flood.close();
    probe.close();
    await serve.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
