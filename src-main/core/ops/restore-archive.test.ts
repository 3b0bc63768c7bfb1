// What a restore may write: the allow-list decisions on names, the caps, and the checks on the way
// into the data folder (links, files where folders should be).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../config/paths';
import {
  checkCaps,
  currentRestorableFiles,
  destinationProblem,
  RESTORE_CAPS,
  restoreAllowList,
  restoreFolderProblem,
  restorePathProblem,
  RestoreRefusal,
} from './restore-archive';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-restore-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('restorePathProblem', () => {
  const allow = restoreAllowList(dataPaths('/data'));

  it('accepts what a backup of this app holds', () => {
    for (const p of ['openfatture.db', 'settings.json', '.cache/rag_update_queue.json', '.models/cash_flow/1.0.0.json', '.models/embeddings/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx', '.vectors/index.hnsw', '.vectors/index.meta.json']) {
      expect(restorePathProblem(p, allow), p).toBeNull();
    }
  });

  it.each([
    ['the path has a . or .. segment', '../planted.sh'],
    ['the path has a . or .. segment', '.models/../../x'],
    ['the path has a . or .. segment', '.models/./x'],
    ['the path is absolute', '/etc/passwd'],
    ['the path is absolute', 'C:/evil'],
    ['the path contains a backslash', '.models\\..\\x'],
    ['the path contains a NUL character', '.models/a\0b'],
    ['the path contains control characters', '.models/a\nb'],
    ['the path is empty', ''],
    ['the path has an empty segment', '.models//x'],
    ['the path has an empty segment', '.models/x/'],
    ['the path is longer than 512 characters', `.models/${'a'.repeat(600)}`],
    ['the path is deeper than 8 folders', '.models/a/b/c/d/e/f/g/h'],
    ['the path is not in Unicode normal form C', '.models/e\u0301.json'],
    ['app.lock is never written by a restore', 'app.lock'],
    ['APP.LOCK is never written by a restore', 'APP.LOCK'],
    ['logs is never written by a restore', 'logs/openfatture.log'],
    ['backups is never written by a restore', 'backups/openfatture-backup-20250101-000000.tar.gz'],
    ['.pre-restore is never written by a restore', '.pre-restore/2025-01-01T00-00-00-000Z/openfatture.db'],
    ['.tmp is never written by a restore', '.tmp/restore-1-x/openfatture.db'],
    ['openfatture.db-wal is never written by a restore', 'openfatture.db-wal'],
    ['is not a name the app writes in .models/', '.models/\u2024\u2024/x'],
    ['is not a name the app writes in .models/', '.models/\uff0e\uff0e/x'],
    ['is not a name the app writes in .vectors/', '.vectors/.hidden'],
    ['not a restorable path', '.models'],
    ['not a restorable path', 'notes.txt'],
    ['not a restorable path', '.cache/other.json'],
  ])('refuses a path: %s', (reason, p) => {
    expect(restorePathProblem(p, allow)).toContain(reason);
  });

  it('refuses a value that is not a string', () => {
    expect(restorePathProblem(42, allow)).toBe('the path is number, not a string');
    expect(restorePathProblem(null, allow)).toBe('the path is null, not a string');
  });

  it('allows the configured queue snapshot inside the data folder, never one in a forbidden place or outside', () => {
    expect(restorePathProblem('.cache/my-queue.json', restoreAllowList(dataPaths('/data', '.cache/my-queue.json')))).toBeNull();
    expect(restoreAllowList(dataPaths('/data', 'logs/queue.json')).files.has('logs/queue.json')).toBe(false);
    expect(restoreAllowList(dataPaths('/data', '/elsewhere/queue.json')).files.has('../elsewhere/queue.json')).toBe(false);
  });

  it('lets folder entries through only on the way to restorable files', () => {
    expect(restoreFolderProblem('.models/', allow)).toBeNull();
    expect(restoreFolderProblem('.models/cash_flow/', allow)).toBeNull();
    expect(restoreFolderProblem('.cache/', allow)).toBeNull();
    expect(restoreFolderProblem('logs/', allow)).toContain('logs is never written');
    expect(restoreFolderProblem('../', allow)).toContain('. or .. segment');
  });
});

describe('checkCaps', () => {
  const file = (bytes: number) => ({ path: 'openfatture.db', bytes, sha256: '0'.repeat(64) });

  it('names the cap a manifest exceeds', () => {
    const many = Array.from({ length: RESTORE_CAPS.maxEntries + 1 }, () => file(0));
    expect(() => checkCaps(many, 1000, Infinity)).toThrow(`lists ${RESTORE_CAPS.maxEntries + 1} files; a restore accepts at most ${RESTORE_CAPS.maxEntries} (entry cap)`);
    expect(() => checkCaps([file(RESTORE_CAPS.maxTotalBytes + 1)], RESTORE_CAPS.maxTotalBytes, Infinity)).toThrow('at most 8.00 GiB (size cap)');
    // The bomb: 2.6 MB inflating to 2.2 GB. 100× would be 248 MiB; the floor makes it 256 MiB.
    expect(() => checkCaps([file(2_200_000_000)], 2_600_000, Infinity)).toThrow(/2\.05 GiB of files from a 2\.5 MiB archive; .* at most 100× .* \(ratio cap: 256\.0 MiB here\)/);
    expect(() => checkCaps([file(3_000_000_000)], 20_000_000, Infinity)).toThrow('(ratio cap: 1.86 GiB here)');
    expect(() => checkCaps([file(50_000_000)], 1_000_000, 10_000_000)).toThrow('restoring needs 47.7 MiB but only 9.5 MiB is free');
  });

  it('accepts real backups: 4× and 31× measured, and a small archive of a large empty database under the floor', () => {
    expect(checkCaps([file(1_896_448)], 440_906, Infinity)).toBe(1_896_448);
    expect(checkCaps([file(245_760)], 7_962, Infinity)).toBe(245_760);
    expect(checkCaps([file(RESTORE_CAPS.ratioFloorBytes)], 1_000, Infinity)).toBe(RESTORE_CAPS.ratioFloorBytes);
  });
});

describe('the way into the data folder', () => {
  it('refuses a link or a file on the way, and a folder where the file goes', () => {
    const dir = tmp();
    const outside = tmp();
    fs.mkdirSync(path.join(dir, '.models'));
    fs.symlinkSync(outside, path.join(dir, '.models', 'cash_flow'));
    expect(destinationProblem(dir, '.models/cash_flow/1.0.0.json')).toBe('.models/cash_flow in the data folder is a symbolic link; a restore never writes through links');
    fs.writeFileSync(path.join(dir, '.vectors'), 'a file');
    expect(destinationProblem(dir, '.vectors/index.hnsw')).toBe('.vectors in the data folder is not a folder');
    fs.mkdirSync(path.join(dir, 'settings.json'));
    expect(destinationProblem(dir, 'settings.json')).toBe('settings.json in the data folder exists and is not a regular file');
    expect(destinationProblem(dir, '.cache/rag_update_queue.json')).toBeNull();
  });

  it('lists the files a restore replaces and refuses links among them', () => {
    const dir = tmp();
    const paths = dataPaths(dir);
    const allow = restoreAllowList(paths);
    fs.writeFileSync(paths.database, 'db');
    fs.writeFileSync(`${paths.database}-wal`, 'wal');
    fs.mkdirSync(path.join(paths.modelsDir, 'cash_flow'), { recursive: true });
    fs.writeFileSync(path.join(paths.modelsDir, 'cash_flow', '1.0.0.json'), '{}');
    fs.writeFileSync(path.join(paths.modelsDir, 'cash_flow', '.1.1.0.json.99.tmp'), 'half-written');
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'openfatture.log'), 'log');
    expect(currentRestorableFiles(dir, allow).sort()).toEqual(['.models/cash_flow/1.0.0.json', 'openfatture.db', 'openfatture.db-wal']);
    fs.symlinkSync(tmp(), path.join(paths.modelsDir, 'linked'));
    expect(() => currentRestorableFiles(dir, allow)).toThrow(RestoreRefusal);
    expect(() => currentRestorableFiles(dir, allow)).toThrow('.models/linked in the data folder is a symbolic link');
  });
});
