// Starts a real `openfatture serve` for one spec: its own temp data dir seeded with demo data through
// the CLI, the auto-update service on with a short debounce, the shared embedding model, a random
// port; the access token is read from the URL the host prints, as a user would copy it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { Channel, ChannelArgs, ChannelResult } from '../src-preload/contract/channels';
import type { IpcResult } from '../src-preload/contract/result';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED_MODELS = path.resolve(REPO_ROOT, '../shared/models');
const CLI = path.join(REPO_ROOT, 'bin/openfatture.js');

export interface ServeOptions {
  /** Demo data: clients/invoices/seed for `demo seed`; null seeds nothing. */
  demo?: { clients: number; invoices: number; seed?: number } | null;
  env?: Record<string, string>;
  /** Settings store content written before start (GUI layer, not locked). */
  store?: Record<string, unknown>;
  debounceSeconds?: number;
  /** Reuse this data dir as it is (no seeding): a restart of the same app. */
  dataDir?: string;
  /** Extra demo seed flags, e.g. a drift client. */
  demoFlags?: string[];
}

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output(): string;
  /** Calls a contract channel over the host's WebSocket (setup and checks; the UI is driven by the page). */
  call<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>>;
  /** SIGTERM, wait for the orderly stop; the data dir is deleted unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
}

export function hostEnv(debounceSeconds: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
    OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: String(debounceSeconds),
    OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: SHARED_MODELS,
    ...extra,
  };
}

export function runCli(dataDir: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`openfatture ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

export async function startHost(options: ServeOptions = {}): Promise<RunningHost> {
  const reuse = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'of-e2e-'));
  const env = hostEnv(options.debounceSeconds ?? 1, options.env);
  const demo = options.demo === undefined ? { clients: 4, invoices: 60, seed: 42 } : options.demo;
  if (demo && !reuse) {
    runCli(dataDir, ['demo', 'seed', '--clients', String(demo.clients), '--invoices', String(demo.invoices), '--seed', String(demo.seed ?? 42), ...(options.demoFlags ?? [])], env);
  }
  if (options.store) fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(options.store, null, 2));
  const child: ChildProcess = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'serve', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL within 90 s:\n${out}`)), 90_000);
    const onData = () => {
      const m = /OpenFatture is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL:\n${out}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token')!;
  const origin = parsed.origin;
  let socket: WebSocket | null = null;
  let seq = 0;
  const waiting = new Map<number, (r: IpcResult<unknown>) => void>();
  const connect = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${token}`, { headers: { Origin: origin } });
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
      ws.on('close', () => {
        socket = null;
        for (const [id, done] of waiting) done({ ok: false, error: { code: 'DISCONNECTED', message: `socket closed before request ${id} was answered` } });
        waiting.clear();
      });
      ws.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as { id?: number; result?: IpcResult<unknown> };
        if (typeof msg.id === 'number') waiting.get(msg.id)?.(msg.result!);
      });
    });
  return {
    url,
    origin,
    token,
    dataDir,
    output: () => out,
    async call(channel, args) {
      socket ??= await connect();
      const id = ++seq;
      const result = await new Promise<IpcResult<unknown>>((resolve) => {
        waiting.set(id, resolve);
        socket!.send(JSON.stringify({ id, channel, args }));
      });
      waiting.delete(id);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as ChannelResult<typeof channel>;
    },
    async stop(stopOptions = {}) {
      socket?.close();
      const cleanup = () => {
        if (!stopOptions.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
      };
      if (child.exitCode !== null) {
        cleanup();
        return child.exitCode;
      }
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      cleanup();
      return code;
    },
  };
}

/** Polls until `check` holds; the message says what was awaited. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the auto-update queue is empty (the demo data indexed, the model loaded). */
export async function indexSettled(host: RunningHost, timeoutMs = 240_000): Promise<void> {
  await until('the knowledge index to catch up', async () => (await host.call('index:status', {})).pending === 0, timeoutMs);
}
