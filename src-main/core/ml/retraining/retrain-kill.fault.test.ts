// kill -9 of a process during a retrain — while the worker trains, and half-way through writing the
// new artifact — leaves the registry on the previous active version with every file intact, and the
// next retrain recovers (marks the interrupted run, removes the torn temp file, numbers correctly).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { faultCase } from '../../../../tests/faults/fault-table';
import { openDatabase } from '../../db/database';
import { generateDemo } from '../../demo/generate-demo';
import { sha256 } from '../registry/artifact-store';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const T1 = '2025-03-31';
const T2 = '2025-06-30';
let dir: string;

function cliSync(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/openfatture.js'), '--data-dir', dir, ...args], { cwd: dir, env: { ...process.env, OPENFATTURE_TODAY: T2, ...env }, encoding: 'utf8', timeout: 180_000 });
}

/** Starts `ai retrain`, waits for `marker` on stderr, then SIGKILLs it. */
async function killRetrainAt(marker: RegExp, env: Record<string, string>, delayMs = 0): Promise<string> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/openfatture.js'), '--data-dir', dir, '-v', 'ai', 'retrain', '--model', 'cash_flow'], {
    cwd: dir,
    env: { ...process.env, OPENFATTURE_TODAY: T2, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`marker ${marker} not seen; stderr:\n${stderr}`)), 150_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (marker.test(stderr)) {
        clearTimeout(timer);
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, delayMs);
      }
    });
  });
  expect(await exited).toBe('SIGKILL');
  return stderr;
}

interface VersionRow {
  version: string;
  status: string;
  artifact_path: string;
  artifact_sha256: string;
}

function registry() {
  const d = openDatabase(path.join(dir, 'openfatture.db'));
  const versions = d.sqlite.prepare("SELECT version, status, artifact_path, artifact_sha256 FROM model_versions WHERE model_name = 'cash_flow' ORDER BY id").all() as VersionRow[];
  const runs = d.sqlite.prepare("SELECT outcome, error FROM retraining_runs WHERE kind = 'retrain' ORDER BY id").all() as { outcome: string; error: string | null }[];
  d.sqlite.close();
  const files = fs.readdirSync(path.join(dir, '.models', 'cash_flow')).sort();
  return { versions, runs, files };
}

function expectIntactOn100(): void {
  const r = registry();
  expect(r.versions.map((v) => `${v.version}:${v.status}`)).toEqual(['1.0.0:active']);
  const v = r.versions[0]!;
  expect(sha256(fs.readFileSync(path.join(dir, '.models', v.artifact_path)))).toBe(v.artifact_sha256);
  const status = cliSync(['ai', 'retrain', 'status', '--json']);
  expect(status.status, status.stderr).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ activeVersion: '1.0.0', activeHealth: 'ok' });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-kill-'));
  const d = openDatabase(path.join(dir, 'openfatture.db'));
  generateDemo(d.sqlite, { clients: 12, invoices: 900, seed: 3, today: T2, years: 2 });
  d.sqlite.close();
  const first = cliSync(['ai', 'retrain', '--model', 'cash_flow', '--json'], { OPENFATTURE_TODAY: T1 });
  expect(first.status, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'deployed', activeVersion: '1.0.0' });
});

describe('kill -9 during a retrain', () => {
  faultCase('mid retrain (kill -9 while the worker trains)', async (check) => {
    await killRetrainAt(/Training cash_flow candidate on \d+ examples/, {}, 300);
    expectIntactOn100();
    // `retrain status` started the app, which marked the killed run as interrupted.
    expect(registry().runs.at(-1)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^interrupted/) });
    expect(registry().files).toEqual(['1.0.0.json']);
    check('1.0.0 active, checksum intact, served by retrain status; killed run failed (interrupted) on that start; only 1.0.0.json on disk');
  });

  faultCase('mid artifact write (kill -9 half-way through the file)', async (check) => {
    const stderr = await killRetrainAt(/FAULT \| paused at artifact-write-pause/, { OPENFATTURE_FAULT: 'artifact-write-pause' });
    expect(stderr).toContain('Training cash_flow candidate');
    expectIntactOn100();
    const torn = registry().files.filter((f) => f.endsWith('.tmp'));
    expect(torn).toHaveLength(1); // the half-written temp file proves the kill landed mid-write
    expect(torn[0]).toMatch(/^\.1\.1\.0\.json\.\d+\.tmp$/);
    check('1.0.0 still active and intact; the torn temp file is never referenced');

    const again = cliSync(['ai', 'retrain', '--model', 'cash_flow', '--json']);
    expect(again.status, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as { candidateVersion: string; outcome: string };
    expect(result.candidateVersion).toBe('1.1.0');
    const after = registry();
    expect(after.files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(after.files).toEqual(['1.0.0.json', '1.1.0.json']);
    for (const v of after.versions) expect(sha256(fs.readFileSync(path.join(dir, '.models', v.artifact_path)))).toBe(v.artifact_sha256);
    // Both killed runs are recorded as interrupted failures; the last one finished.
    expect(after.runs.map((r) => r.outcome)).toEqual(['deployed', 'failed', 'failed', result.outcome]);
    expect(after.runs[1]!.error).toMatch(/^interrupted/);
    check(`next retrain: temp file removed, 1.1.0 written, every checksum verified, killed runs marked interrupted`);
  });
});
