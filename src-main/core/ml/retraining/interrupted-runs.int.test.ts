// A retrain killed mid-run leaves its run 'running'; the next start of the app marks it failed
// (interrupted), and the Models page and `ai retrain status` give that reason. A run a live process
// is still working on (it holds the retrain lock) is left running. Real `ai retrain` processes, frozen
// half-way through writing the new artifact (OPENFATTURE_FAULT) and stopped there (SIGSTOP: alive,
// holding the lock, however long the checks take on a loaded machine), then killed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRouter } from '../../../ipc/create-app-router';
import { callChannel } from '../../../ipc/testing/call-channel';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { openDatabase } from '../../db/database';
import { generateDemo } from '../../demo/generate-demo';
import { capturingLogger } from './tiny-model-spec.fixture';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const TODAY = '2025-06-30';
let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-interrupted-'));
  const d = openDatabase(path.join(dir, 'openfatture.db'));
  generateDemo(d.sqlite, { clients: 12, invoices: 900, seed: 3, today: TODAY, years: 2 });
  d.sqlite.close();
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts `ai retrain` and resolves once it is frozen while writing the new artifact (lock held, run 'running'). */
async function frozenRetrain(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/openfatture.js'), '--data-dir', dir, 'ai', 'retrain', '--model', 'cash_flow'], {
    cwd: dir,
    env: { ...process.env, OPENFATTURE_TODAY: TODAY, OPENFATTURE_FAULT: 'artifact-write-pause' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the retrain never reached the artifact write; stderr:\n${stderr}`)), 400_000);
    child.on('exit', (code, signal) => reject(new Error(`the retrain ended (${code ?? signal}) before the artifact write; stderr:\n${stderr}`)));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/FAULT \| paused at artifact-write-pause/.test(stderr)) {
        clearTimeout(timer);
        // The fault point only waits so long; a stopped process stays mid-retrain until it is killed.
        child.kill('SIGSTOP');
        resolve();
      }
    });
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

interface RunRow {
  id: number;
  outcome: string;
  error: string | null;
  error_messages: string | null;
  finished_at: string | null;
}

function runs(): RunRow[] {
  const d = openDatabase(path.join(dir, 'openfatture.db'));
  try {
    return d.sqlite.prepare("SELECT id, outcome, error, error_messages, finished_at FROM retraining_runs WHERE kind = 'retrain' ORDER BY id").all() as RunRow[];
  } finally {
    d.sqlite.close();
  }
}

/** Opens (starts) the app on the data dir, as any host does, and returns what the Models page and its log show. */
async function startApp() {
  const log = capturingLogger();
  const app = await App.open({ settings: loadSettings({ env: { OPENFATTURE_TODAY: TODAY }, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', logger: log.logger });
  const router = createAppRouter(app, { version: 't' });
  try {
    const history = await callChannel(router, 'models:runs', { model: 'cash_flow', limit: 10 });
    const { models } = await callChannel(router, 'models:status', {});
    return { history: history.items, retraining: models[0]!.retraining, log: log.lines };
  } finally {
    router.dispose();
    await app.close();
  }
}

function retrainStatus(): { json: { lastRun: { outcome: string; error: string | null } | null; retrainRunning: { pid: number } | null }; text: string } {
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/openfatture.js'), '--data-dir', dir, 'ai', 'retrain', 'status', ...args], {
      cwd: dir,
      env: { ...process.env, OPENFATTURE_TODAY: TODAY },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  return { json: JSON.parse(cli('--json')) as ReturnType<typeof retrainStatus>['json'], text: cli() };
}

describe('retrain runs interrupted by a killed process', () => {
  it('are failed (interrupted) after the next start; a run held by a live process is untouched until that process dies', async () => {
    // 1. A retrain killed with kill -9 half-way: its run stays 'running' in the database.
    await kill(await frozenRetrain());
    const killed = runs();
    expect(killed.map((r) => r.outcome)).toEqual(['running']);

    // The next start marks it, and says so in the log; the Models page shows the reason.
    const first = await startApp();
    expect(runs()).toEqual([expect.objectContaining({ id: killed[0]!.id, outcome: 'failed', error: 'interrupted: the process ended before the retrain finished' })]);
    expect(runs()[0]!.finished_at).not.toBeNull();
    expect(first.log).toContain('WARN  | Marked 1 interrupted retrain run(s) of cash_flow as failed (interrupted): the process running them is gone');
    expect(first.history[0]).toMatchObject({ id: killed[0]!.id, outcome: 'failed', errorMessages: [{ code: 'interrupted', params: {} }] });
    expect(first.retraining).toBe(false);
    const status = retrainStatus();
    expect(status.json.lastRun).toMatchObject({ outcome: 'failed', error: 'interrupted: the process ended before the retrain finished' });
    expect(status.text).toMatch(/Last run +retrain failed at \S+: interrupted: the process ended before the retrain finished/);

    // 2. A retrain that is alive (frozen mid-write, holding the lock): starting the app leaves its run running.
    const live = await frozenRetrain();
    const liveRun = runs().at(-1)!;
    expect(liveRun.outcome).toBe('running');
    const second = await startApp();
    expect(runs().at(-1)).toEqual(liveRun);
    expect(second.log.filter((l) => /interrupted retrain run/i.test(l))).toEqual([]);
    expect(second.history[0]).toMatchObject({ id: liveRun.id, outcome: 'running' });
    expect(second.retraining).toBe(true);
    const liveStatus = retrainStatus();
    expect(liveStatus.json.lastRun).toMatchObject({ outcome: 'running', error: null });
    expect(liveStatus.json.retrainRunning).toMatchObject({ pid: live.pid });

    // 3. Once that process is gone too, the next start marks its run.
    await kill(live);
    await startApp();
    expect(runs().map((r) => [r.id, r.outcome, r.error])).toEqual([
      [killed[0]!.id, 'failed', 'interrupted: the process ended before the retrain finished'],
      [liveRun.id, 'failed', 'interrupted: the process ended before the retrain finished'],
    ]);
  }, 900_000);
});
