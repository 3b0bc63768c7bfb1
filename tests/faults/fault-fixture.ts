// Data dirs for the fault and doctor tests: a small demo book with a trained cash-flow model and a
// real RAG index (real model, real HNSW file), built once per test file and cloned per case so
// each case damages its own copy.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openDatabase } from '../../src-main/core/db/database';
import { generateDemo } from '../../src-main/core/demo/generate-demo';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'bin/openfatture.js');
/** The demo book ends here; the first model is trained as of T1, so T2 brings new outcomes. */
export const T1 = '2025-03-31';
export const T2 = '2025-06-30';

/**
 * Only clients are indexed: ten real embeddings keep the fixture quick on a loaded machine while
 * exercising the same model, HNSW file and outbox as a full book.
 */
export const RAG_ENV: Record<string, string> = { OPENFATTURE_RAG_AUTO_UPDATE_TRACK_INVOICES: 'false', OPENFATTURE_RAG_AUTO_UPDATE_TRACK_PRODUCTS: 'false' };

export const tmpDir = (prefix = 'of-fault-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(dir: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, '--data-dir', dir, ...args], {
    cwd: ROOT,
    env: { ...process.env, OPENFATTURE_TODAY: T2, ...RAG_ENV, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a CLI command that must succeed and prints JSON; returns the parsed output. */
export function cliJson<T>(dir: string, args: string[], env: Record<string, string> = {}): T {
  const r = cli(dir, [...args, '--json'], env);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Demo data (10 clients, 250 invoices: enough paid history for the first model to beat the due date), cash_flow 1.0.0 trained as of T1, the clients embedded and indexed. */
export function buildIndexedDataDir(): string {
  const dir = tmpDir('of-fixture-');
  const d = openDatabase(path.join(dir, 'openfatture.db'));
  generateDemo(d.sqlite, { clients: 10, invoices: 250, seed: 3, today: T2, years: 2 });
  d.sqlite.close();
  const first = cliJson<{ outcome: string; activeVersion: string }>(dir, ['ai', 'retrain', '--model', 'cash_flow'], { OPENFATTURE_TODAY: T1 });
  expect(first).toMatchObject({ outcome: 'deployed', activeVersion: '1.0.0' });
  const indexed = cliJson<{ failed: number; embeddingPending: number; indexFileWritten: boolean }>(dir, ['ai', 'rag', 'reindex']);
  expect(indexed).toMatchObject({ failed: 0, embeddingPending: 0, indexFileWritten: true });
  return dir;
}

/** A copy of a fixture dir (no process has it open while it is copied). */
export function cloneDataDir(src: string): string {
  const dir = tmpDir();
  fs.cpSync(src, dir, { recursive: true });
  // Logs belong to the case: start each clone with an empty log.
  fs.rmSync(path.join(dir, 'logs'), { recursive: true, force: true });
  return dir;
}

/** Adds a second deployed cash_flow version (1.1.0, active) by retraining as of T2. */
export function addSecondVersion(dir: string): void {
  const r = cliJson<{ activeVersion: string; candidateVersion: string | null }>(dir, ['ai', 'retrain', '--model', 'cash_flow']);
  expect(r.candidateVersion).toBe('1.1.0');
  // A candidate the champion beat is still a complete version: activate it so two deployed versions exist.
  if (r.activeVersion !== '1.1.0') cliJson(dir, ['ai', 'retrain', 'rollback', '--model', 'cash_flow', '--version', '1.1.0']);
}

export function logText(dir: string): string {
  const logs = path.join(dir, 'logs');
  if (!fs.existsSync(logs)) return '';
  return fs
    .readdirSync(logs)
    .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
    .join('\n');
}

/** Log records at ERROR level (pino level 50) or above. */
export function errorLogLines(dir: string): string[] {
  return logText(dir)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((r) => r.level >= 50)
    .map((r) => r.msg);
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves when `marker` has appeared (count times) in stdout/stderr. */
  waitFor: (marker: RegExp, count?: number, timeoutMs?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the CLI and collects its output. */
export function start(dir: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [CLI, '--data-dir', dir, ...args], {
    cwd: ROOT,
    env: { ...process.env, OPENFATTURE_TODAY: T2, ...RAG_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = (marker: RegExp, count = 1, timeoutMs = 180_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if ((out.match(new RegExp(marker.source, 'g')) ?? []).length >= count) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${marker}; output:\n${out.slice(-3000)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 180_000, everyMs = 500): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
