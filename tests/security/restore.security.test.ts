// Attack class: a backup archive crafted by someone else (a download, a shared drive, a file from
// an email). Restore is the one command that writes many files from untrusted input into the data
// folder. Each case builds the archive byte by byte and proves, with checksums of every file outside
// the data folder, of the existing backups and of the data folder itself, that a refusal names the
// entry and changes nothing — and that what a restore does write stays on its allow-list.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { App } from '../../src-main/core/app';
import { loadSettings } from '../../src-main/core/config/load';
import { dataPaths, type DataPaths } from '../../src-main/core/config/paths';
import { openDatabase } from '../../src-main/core/db/database';
import { isProcessAlive } from '../../src-main/core/lifespan/instance-lock';
import { applyVerifiedBackup, createBackup, discardVerified, listSafetyCopies, restoreBackup, verifyBackup } from '../../src-main/core/ops/backup';
import { runDoctor } from '../../src-main/core/ops/doctor';
import { makeOpsTemp, opsTempRoot } from '../../src-main/core/ops/ops-temp';
import { quoteEntry, RESTORE_CAPS } from '../../src-main/core/ops/restore-archive';
import { CLI, cli, ROOT } from '../faults/fault-fixture';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { described, manifestFor, sha256, writeHostileArchive, type HostileEntry } from './hostile-archive';
import { securityCase } from './security-case';

interface World {
  /** The folder holding the data folder and its neighbours. */
  root: string;
  dataDir: string;
  paths: DataPaths;
  /** A file outside the data folder that attacks aim at. */
  known: string;
  /** A backup made by the app, in <data>/backups. */
  existingBackup: string;
  /** Bytes of a healthy database (the one in the data folder). */
  db: Buffer;
}

function makeWorld(): World {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-restore-'));
  const dataDir = path.join(root, 'data');
  const paths = dataPaths(dataDir);
  fs.mkdirSync(dataDir);
  const d = openDatabase(paths.database);
  const client = d.sqlite.prepare('INSERT INTO clients(denominazione, partita_iva) VALUES (?, ?)');
  for (let i = 1; i <= 5; i++) client.run(`Cliente ${i} Srl`, String(10000000000 + i));
  d.sqlite.close();
  fs.mkdirSync(path.join(paths.modelsDir, 'cash_flow'), { recursive: true });
  fs.writeFileSync(path.join(paths.modelsDir, 'cash_flow', '1.0.0.json'), JSON.stringify({ trees: [1, 2, 3] }));
  fs.writeFileSync(paths.settingsFile, JSON.stringify({ UI_LANGUAGE: 'en' }));
  fs.mkdirSync(path.join(root, 'outside'));
  const known = path.join(root, 'outside', 'known.txt');
  fs.writeFileSync(known, 'a file outside the data folder\n');
  fs.writeFileSync(path.join(root, 'neighbour.txt'), 'beside the data folder\n');
  return { root, dataDir, paths, known, existingBackup: '', db: fs.readFileSync(paths.database) };
}

async function worldWithBackup(): Promise<World> {
  const w = makeWorld();
  const d = openDatabase(w.paths.database);
  w.existingBackup = (await createBackup(d.sqlite, w.paths, { appVersion: 'test' })).file;
  d.sqlite.close();
  w.db = fs.readFileSync(w.paths.database);
  return w;
}

/** sha256 of every file under `dir` (links as their target), relative paths; `skip` prunes subtrees. */
function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip(r)) continue;
      const p = path.join(dir, r);
      if (e.isSymbolicLink()) out.set(r, `link → ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) walk(r);
      else out.set(r, sha256(fs.readFileSync(p)));
    }
  };
  walk('');
  return out;
}

interface State {
  outside: Map<string, string>;
  data: Map<string, string>;
  backups: Map<string, string>;
}

const state = (w: World): State => ({
  outside: snapshot(w.root, (r) => r === 'data' || r === 'attacks'),
  data: snapshot(w.dataDir),
  backups: snapshot(path.join(w.dataDir, 'backups')),
});

/** Nothing changed anywhere: outside, the data folder, the backups; no working folder is left. */
function expectUnchanged(w: World, before: State): number {
  const after = state(w);
  expect(after.outside).toEqual(before.outside);
  expect(after.backups).toEqual(before.backups);
  expect(after.data).toEqual(before.data);
  expect(fs.existsSync(opsTempRoot(w.dataDir)) ? fs.readdirSync(opsTempRoot(w.dataDir)) : []).toEqual([]);
  expect(fs.existsSync(path.join(w.dataDir, 'app.lock'))).toBe(false);
  return after.outside.size + after.data.size;
}

let attackSeq = 0;
function attackArchive(w: World, entries: HostileEntry[]): string {
  fs.mkdirSync(path.join(w.root, 'attacks'), { recursive: true });
  const file = path.join(w.root, 'attacks', `attack-${++attackSeq}.tar.gz`);
  writeHostileArchive(file, entries);
  return file;
}

/** An archive whose manifest lists the database plus `files`, and holds them all (manifest first). */
function archiveWith(w: World, files: { path: string; body: string | Buffer }[], extra: HostileEntry[] = []): string {
  const manifest = manifestFor([described('openfatture.db', w.db), ...files.map((f) => described(f.path, f.body))]);
  return attackArchive(w, [{ path: 'manifest.json', body: JSON.stringify(manifest) }, { path: 'openfatture.db', body: w.db }, ...files, ...extra]);
}

/** Restores `file`, expects a refusal matching `reason`, and checks that nothing changed. */
async function expectRefused(w: World, file: string, reason: string | RegExp): Promise<{ message: string; files: number }> {
  const before = state(w);
  const error = await restoreBackup(file, w.paths).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error, `restore of ${path.basename(file)} should be refused`).not.toBeNull();
  if (typeof reason === 'string') expect(error!.message).toContain(reason);
  else expect(error!.message).toMatch(reason);
  return { message: error!.message, files: expectUnchanged(w, before) };
}

const cleanup = (w: World) => fs.rmSync(w.root, { recursive: true, force: true });

describe('restore: path traversal and the allow-list', () => {
  securityCase('restore: a ../planted.sh manifest entry (the issue reproduction)', async (check) => {
    const w = await worldWithBackup();
    // Before, the file came from the temp folder's neighbourhood: plant it there and in the archive.
    const id = crypto.randomBytes(4).toString('hex');
    const planted = `#!/bin/sh\necho planted ${id}\n`;
    const source = path.join(os.tmpdir(), `planted-${id}.sh`);
    fs.writeFileSync(source, planted);
    try {
      const viaManifest = archiveWith(w, []);
      // Manifest lists ../planted-<id>.sh; the archive does not hold it (it was copied from beside the temp folder).
      const m = manifestFor([described('openfatture.db', w.db), described(`../planted-${id}.sh`, planted)]);
      writeHostileArchive(viaManifest, [{ path: 'manifest.json', body: JSON.stringify(m) }, { path: 'openfatture.db', body: w.db }]);
      const a = await expectRefused(w, viaManifest, `manifest entry "../planted-${id}.sh" cannot be restored: the path has a . or .. segment`);
      // The same entry also inside the archive, before the manifest.
      const inArchive = attackArchive(w, [{ path: `../planted-${id}.sh`, body: planted }, { path: 'manifest.json', body: JSON.stringify(m) }]);
      const b = await expectRefused(w, inArchive, `archive entry "../planted-${id}.sh" cannot be restored`);
      expect(fs.existsSync(path.join(w.root, `planted-${id}.sh`))).toBe(false);
      expect(sha256(fs.readFileSync(source))).toBe(sha256(planted));
      check(`../planted-${id}.sh in the manifest and as an archive entry → refused naming it; ${a.files}/${b.files} files checksummed unchanged; nothing in the data folder's parent`);
    } finally {
      fs.rmSync(source, { force: true });
      cleanup(w);
    }
  });

  securityCase('restore: a failing entry plus ../../…/known.txt (rollback reproduction)', async (check) => {
    const w = await worldWithBackup();
    try {
      const rel = path.relative(path.join(w.dataDir, '.tmp', 'restore-x'), w.known).split(path.sep).join('/');
      const knownBody = fs.readFileSync(w.known);
      // The failing entry: listed, but its bytes differ from the manifest.
      const m = manifestFor([described('openfatture.db', w.db), described('.models/cash_flow/9.9.9.json', 'x'), described(rel, knownBody)]);
      const file = attackArchive(w, [
        { path: 'manifest.json', body: JSON.stringify(m) },
        { path: 'openfatture.db', body: w.db },
        { path: '.models/cash_flow/9.9.9.json', body: 'y' },
      ]);
      const r = await expectRefused(w, file, `manifest entry ${quoteEntry(rel)} cannot be restored`);
      expect(sha256(fs.readFileSync(w.known))).toBe(sha256(knownBody));

      // A real failure while files are swapped: exactly what was moved comes back, nothing else is touched.
      const before = state(w);
      const verified = await verifyBackup(w.existingBackup, w.paths);
      fs.rmSync(path.join(verified.stage, '.models', 'cash_flow', '1.0.0.json'));
      expect(() => applyVerifiedBackup(verified, w.paths)).toThrow(/Restore failed while replacing files, the data is unchanged/);
      discardVerified(verified);
      expectUnchanged(w, before);
      expect(listSafetyCopies(w.dataDir)).toEqual([]);

      // A verified backup whose manifest is changed afterwards (a caller's bug) cannot reach outside either.
      const again = await verifyBackup(w.existingBackup, w.paths);
      again.manifest.files.push({ path: rel, bytes: knownBody.length, sha256: sha256(knownBody) });
      expect(() => applyVerifiedBackup(again, w.paths)).toThrow(`Restore refused, the data is unchanged: manifest entry ${quoteEntry(rel)} cannot be restored`);
      discardVerified(again);
      expectUnchanged(w, before);
      check(`${rel} refused before any write; a mid-swap failure rolled back ${before.data.size} data files byte-identical; known.txt sha256 unchanged; ${r.files} files checked`);
    } finally {
      cleanup(w);
    }
  });

  securityCase('restore: app.lock, logs/, backups/<existing>, .pre-restore/, .tmp/ entries', async (check) => {
    const w = await worldWithBackup();
    try {
      fs.mkdirSync(path.join(w.dataDir, '.pre-restore', '2020-01-01T00-00-00-000Z'), { recursive: true });
      fs.writeFileSync(path.join(w.dataDir, '.pre-restore', '2020-01-01T00-00-00-000Z', 'openfatture.db'), 'an old safety copy');
      const existing = `backups/${path.basename(w.existingBackup)}`;
      const targets = ['app.lock', 'logs/openfatture.log', 'logs', existing, '.pre-restore/2020-01-01T00-00-00-000Z/openfatture.db', '.tmp/x', 'APP.LOCK', 'Backups/x.tar.gz', 'openfatture.db-wal'];
      for (const target of targets) {
        const body = target.toLowerCase().includes('lock') ? JSON.stringify({ pid: 1, host: 'electron', startedAt: '' }) : 'replaced by an archive';
        await expectRefused(w, archiveWith(w, [{ path: target, body }]), `manifest entry ${quoteEntry(target)} cannot be restored`);
        // And as an archive entry the manifest does not name.
        await expectRefused(w, archiveWith(w, [], [{ path: target, body }]), `archive entry ${quoteEntry(target)} is not named by the manifest`);
      }
      expect(sha256(fs.readFileSync(w.existingBackup))).toBe(state(w).backups.get(path.basename(w.existingBackup)));
      check(`${targets.length} never-restored targets × (manifest entry, unnamed archive entry) → ${targets.length * 2} refusals naming the entry; existing backup and app.lock untouched`);
    } finally {
      cleanup(w);
    }
  });

  securityCase('restore: absolute paths, backslashes and drive letters', async (check) => {
    const w = await worldWithBackup();
    try {
      const targets = [w.known, '/etc/openfatture-planted', 'C:/Windows/evil.json', 'C:\\evil.json', '.models\\..\\..\\evil.json', '\\\\server\\share\\x', '//double/x'];
      for (const target of targets) {
        await expectRefused(w, archiveWith(w, [{ path: target, body: 'absolute' }]), `manifest entry ${quoteEntry(target)} cannot be restored`);
      }
      // An absolute archive entry before the manifest.
      await expectRefused(w, attackArchive(w, [{ path: w.known, body: 'overwritten' }]), `archive entry ${quoteEntry(w.known)} cannot be restored: the path is absolute`);
      expect(fs.readFileSync(w.known, 'utf8')).toBe('a file outside the data folder\n');
      check(`${targets.length + 1} absolute/backslash/drive paths refused naming the entry; known.txt unchanged`);
    } finally {
      cleanup(w);
    }
  });
});

describe('restore: links and special files', () => {
  securityCase('restore: symlink, hard link, device, FIFO and stray folder entries', async (check) => {
    const w = await worldWithBackup();
    try {
      const cases: [HostileEntry, string][] = [
        [{ path: '.models/cash_flow/evil.json', type: 'SymbolicLink', linkpath: '../../../outside/known.txt' }, 'is a symbolic link; only regular files are restored'],
        [{ path: '.models/cash_flow', type: 'SymbolicLink', linkpath: w.root }, 'is a symbolic link; only regular files are restored'],
        [{ path: '.vectors/index.hnsw', type: 'Link', linkpath: w.known }, 'is a hard link; only regular files are restored'],
        [{ path: '.vectors/dev', type: 'CharacterDevice' }, 'is a character device; only regular files are restored'],
        [{ path: '.vectors/blk', type: 'BlockDevice' }, 'is a block device; only regular files are restored'],
        [{ path: '.vectors/fifo', type: 'FIFO' }, 'is a FIFO; only regular files are restored'],
        [{ path: 'logs/', type: 'Directory' }, '(a folder) cannot be restored: logs is never written by a restore'],
        [{ path: '../', type: 'Directory' }, '(a folder) cannot be restored'],
      ];
      for (const [entry, reason] of cases) {
        // A link or device is named by the manifest as if it were a file, so the type alone must refuse it;
        // manifests name files, never folders.
        const listed = entry.type === 'Directory' ? [] : [described(entry.path, '')];
        const m = manifestFor([described('openfatture.db', w.db), ...listed]);
        const file = attackArchive(w, [{ path: 'manifest.json', body: JSON.stringify(m) }, { path: 'openfatture.db', body: w.db }, entry]);
        await expectRefused(w, file, `archive entry ${quoteEntry(entry.path)} ${reason}`);
      }
      expect(fs.readFileSync(w.known, 'utf8')).toBe('a file outside the data folder\n');
      check(`${cases.length} link/device/FIFO/folder entries (named by the manifest) refused by type, nothing written`);
    } finally {
      cleanup(w);
    }
  });

  securityCase('restore: a symlinked folder on the way inside the data folder', async (check) => {
    const w = await worldWithBackup();
    try {
      // .models/cash_flow → a folder outside holding a file the restore would replace.
      const target = path.join(w.root, 'outside', 'models');
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, '1.0.0.json'), 'outside artifact');
      fs.rmSync(path.join(w.paths.modelsDir, 'cash_flow'), { recursive: true });
      fs.symlinkSync(target, path.join(w.paths.modelsDir, 'cash_flow'));
      const a = await expectRefused(w, w.existingBackup, 'manifest entry ".models/cash_flow/1.0.0.json" cannot be restored: .models/cash_flow in the data folder is a symbolic link');
      // .vectors → outside, with an archive holding no vectors: moving the current files aside would go through it.
      fs.rmSync(path.join(w.paths.modelsDir, 'cash_flow'));
      fs.mkdirSync(path.join(w.paths.modelsDir, 'cash_flow'));
      fs.writeFileSync(path.join(w.paths.modelsDir, 'cash_flow', '1.0.0.json'), JSON.stringify({ trees: [1, 2, 3] }));
      fs.symlinkSync(target, w.paths.vectorDir);
      await expectRefused(w, w.existingBackup, '.vectors in the data folder is a symbolic link');
      fs.rmSync(w.paths.vectorDir);
      // The database itself a link, and .pre-restore a link.
      fs.symlinkSync(w.known, path.join(w.dataDir, 'settings.json.lnk'));
      fs.renameSync(path.join(w.dataDir, 'settings.json.lnk'), w.paths.settingsFile);
      await expectRefused(w, w.existingBackup, 'settings.json in the data folder is a symbolic link');
      fs.rmSync(w.paths.settingsFile);
      fs.symlinkSync(target, path.join(w.dataDir, '.pre-restore'));
      await expectRefused(w, w.existingBackup, '.pre-restore in the data folder is a symbolic link');
      expect(fs.readFileSync(path.join(target, '1.0.0.json'), 'utf8')).toBe('outside artifact');
      check(`links at .models/cash_flow, .vectors, settings.json, .pre-restore → 4 refusals naming the link; the outside folder unchanged; ${a.files} files checked`);
    } finally {
      cleanup(w);
    }
  });
});

describe('restore: caps', () => {
  securityCase('restore: a decompression bomb is stopped by the caps, the working folder removed', async (check) => {
    const w = await worldWithBackup();
    try {
      const bomb = 2_200_000_000;
      const manifestFirst = path.join(w.root, 'attacks', 'bomb-declared.tar.gz');
      fs.mkdirSync(path.dirname(manifestFirst), { recursive: true });
      const zeroSha = '0'.repeat(64);
      const m = manifestFor([described('openfatture.db', w.db), { path: '.vectors/index.hnsw', bytes: bomb, sha256: zeroSha }]);
      const archiveBytes = writeHostileArchive(manifestFirst, [{ path: 'manifest.json', body: JSON.stringify(m) }, { path: 'openfatture.db', body: w.db }, { path: '.vectors/index.hnsw', zeros: bomb }]);
      const t0 = performance.now();
      const a = await expectRefused(w, manifestFirst, /ratio cap/);
      const ms = performance.now() - t0;
      expect(a.message).toContain('2.05 GiB of files from a 2.');
      expect(ms).toBeLessThan(30_000);

      // The same bomb before any manifest: refused at its header, before a byte of it is written.
      const noManifest = path.join(w.root, 'attacks', 'bomb-first.tar.gz');
      writeHostileArchive(noManifest, [{ path: '.vectors/index.hnsw', zeros: bomb }, { path: 'manifest.json', body: JSON.stringify(m) }]);
      await expectRefused(w, noManifest, /archive entry ".vectors\/index.hnsw" \(2.05 GiB\) takes the files before manifest.json past 256.0 MiB/);

      // A manifest that lies (1 KiB), the entry's header says 2.2 GB.
      const lying = manifestFor([described('openfatture.db', w.db), { path: '.vectors/index.hnsw', bytes: 1024, sha256: zeroSha }]);
      const liar = path.join(w.root, 'attacks', 'bomb-lying.tar.gz');
      writeHostileArchive(liar, [{ path: 'manifest.json', body: JSON.stringify(lying) }, { path: 'openfatture.db', body: w.db }, { path: '.vectors/index.hnsw', zeros: bomb }]);
      await expectRefused(w, liar, `checksum mismatch for .vectors/index.hnsw: the archive entry is ${bomb} bytes, the manifest says 1024`);

      // Many 8 MiB entries before the manifest: streamed until the running cap, then stopped.
      const piece = 8 * 1024 * 1024;
      const pieces = Math.floor(RESTORE_CAPS.ratioFloorBytes / piece) + 2;
      const many = path.join(w.root, 'attacks', 'bomb-many.tar.gz');
      const manyBytes = writeHostileArchive(many, Array.from({ length: pieces }, (_, i) => ({ path: `.models/bomb/${i}.json`, zeros: piece })));
      const c = await expectRefused(w, many, `archive entry ".models/bomb/${RESTORE_CAPS.ratioFloorBytes / piece}.json" (8.0 MiB) takes the files before manifest.json past 256.0 MiB`);
      check(
        `${(archiveBytes / 1e6).toFixed(1)} MB archive declaring ${(bomb / 1e9).toFixed(1)} GB → refused in ${Math.round(ms)} ms (ratio cap, at the manifest, before any file entry); ` +
          `the same before the manifest and with a lying manifest → refused at the header; ${pieces} × 8 MiB in a ${(manyBytes / 1e6).toFixed(1)} MB archive → stopped at 256 MiB; ` +
          `working folder removed each time (${c.files} files checked)`,
      );
    } finally {
      cleanup(w);
    }
  });

  securityCase('restore: entry-count cap (manifest and streamed entries)', async (check) => {
    const w = await worldWithBackup();
    try {
      const n = RESTORE_CAPS.maxEntries + 1;
      const listed = Array.from({ length: n }, (_, i) => described(`.models/m/${i}.json`, ''));
      const m = manifestFor([described('openfatture.db', w.db), ...listed.slice(0, n - 1)]);
      const file = attackArchive(w, [{ path: 'manifest.json', body: JSON.stringify(m) }]);
      await expectRefused(w, file, `at most ${RESTORE_CAPS.maxEntries} files (entry cap)`);
      // A flood of entries with no manifest first (folder entries, which write nothing, and a few
      // files): counted while reading and refused at the cap.
      const flood: HostileEntry[] = Array.from({ length: n + 1 }, (_, i) =>
        i % 1000 === 0 ? { path: `.models/m/${i}.json`, body: '' } : { path: `.models/d${i}/`, type: 'Directory' as const },
      );
      const streamed = attackArchive(w, flood);
      const t0 = performance.now();
      await expectRefused(w, streamed, `the archive has more than ${RESTORE_CAPS.maxEntries} entries besides manifest.json (entry cap)`);
      check(`manifest of ${n} files → refused at once; ${n + 1} streamed entries → refused at entry ${n + 1} in ${Math.round(performance.now() - t0)} ms; working folder removed`);
    } finally {
      cleanup(w);
    }
  });
});

describe('restore: generated manifest entries', () => {
  // A restorable path, by the specification: the database, settings, the queue snapshot, or a file
  // under .models/ or .vectors/ with names the app writes there.
  const ALLOWED = /^(openfatture\.db|settings\.json|\.cache\/rag_update_queue\.json|\.(models|vectors)(\/[A-Za-z0-9_][A-Za-z0-9._+-]*)+)$/;

  const segment = fc.oneof(
    fc.constantFrom('..', '.', '', 'x', 'cash_flow', '1.0.0.json', 'index.hnsw', '\u2024\u2024', '\uff0e\uff0e', '\u2025', 'a\0b', '..\\..', 'a\\b', 'con', '\u202e', ' ', 'e\u0301', '\u00e9', '-x', '.hidden'),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[A-Za-z0-9._+-]{1,16}$/),
  );
  const prefix = fc.constantFrom('', '.models/', '.vectors/', '.cache/', 'logs/', 'backups/', '.pre-restore/', '.tmp/', '/', '../', '..\\', './', 'C:', '.MODELS/', '.models//', '.models/../');
  const manifestPath = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(prefix, fc.array(segment, { minLength: 0, maxLength: 4 })).map(([p, segs]) => p + segs.join('/')) },
    { weight: 2, arbitrary: fc.constantFrom('.models/cash_flow/2.0.0.json', '.vectors/index.meta.json', 'settings.json', '.cache/rag_update_queue.json', 'openfatture.db', 'app.lock', '') },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 6000 }).map((n) => `.models/${'a'.repeat(n)}.json`) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => `.models/${'../'.repeat(n)}outside/known.txt`) },
  );

  securityCase('restore: fast-check manifest entries are refused with nothing changed, or restored inside the allow-list', async (check) => {
    const w = await worldWithBackup();
    const runs = fuzzRuns(200);
    let cases = 0;
    let refused = 0;
    let restored = 0;
    try {
      await fc.assert(
        fc.asyncProperty(manifestPath, async (p) => {
          cases++;
          const body = `payload ${cases}`;
          const file = archiveWith(w, [{ path: p, body }]);
          const before = state(w);
          const outcome = await restoreBackup(file, w.paths).then(
            (r) => r,
            (e: unknown) => e as Error,
          );
          fs.rmSync(file);
          if (outcome instanceof Error) {
            refused++;
            expect(outcome.message).toMatch(p === 'openfatture.db' ? /listed twice/ : new RegExp(`(manifest|archive) entry ${escape(quoteEntry(p))}`));
            expectUnchanged(w, before);
            return;
          }
          restored++;
          expect(p).toMatch(ALLOWED);
          const dest = path.join(w.dataDir, p);
          expect(fs.realpathSync(dest).startsWith(fs.realpathSync(w.dataDir) + path.sep)).toBe(true);
          expect(fs.readFileSync(dest, 'utf8')).toBe(body);
          const after = state(w);
          expect(after.outside).toEqual(before.outside);
          expect(after.backups).toEqual(before.backups);
          // The live data is exactly what was restored: the database and the generated file.
          const live = [...after.data.keys()].filter((k) => !/^(\.pre-restore|backups|logs)\//.test(k)).sort();
          expect(live).toEqual(['openfatture.db', p].sort());
          expect(listSafetyCopies(w.dataDir).length).toBeLessThanOrEqual(5);
        }),
        { numRuns: runs },
      );
      recordFuzz('restore manifest entries', cases);
      expect(refused).toBeGreaterThan(0);
      expect(restored).toBeGreaterThan(0);
      expect(listSafetyCopies(w.dataDir).length).toBeLessThanOrEqual(5);
      check(`${cases} generated manifest entries: ${refused} refused with every checksum unchanged, ${restored} restored inside the allow-list; outside files and backups unchanged throughout`);
    } finally {
      cleanup(w);
    }
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('restore: afterwards', () => {
  securityCase('restore: doctor is clean after a battery of hostile archives, and a real restore works', async (check) => {
    const w = await worldWithBackup();
    try {
      const attacks = [
        archiveWith(w, [{ path: '../evil', body: 'x' }]),
        archiveWith(w, [{ path: 'app.lock', body: '{"pid":1}' }]),
        archiveWith(w, [], [{ path: 'logs/x', body: 'x' }]),
        archiveWith(w, [{ path: `backups/${path.basename(w.existingBackup)}`, body: 'x' }]),
        attackArchive(w, [{ path: '.models/x.json', type: 'SymbolicLink', linkpath: w.known }]),
        attackArchive(w, [{ path: '.vectors/index.hnsw', zeros: 2_200_000_000 }]),
      ];
      for (const a of attacks) await expect(restoreBackup(a, w.paths)).rejects.toThrow(/entry|cap/);
      const doctor = cli(w.dataDir, ['doctor', '--json']);
      const out = JSON.parse(doctor.stdout) as { ok: boolean; results: { id: string; status: string; detail: string }[] };
      expect(doctor.status, doctor.stdout).toBe(0);
      const notOk = out.results.filter((r) => r.status !== 'ok');
      expect(notOk, JSON.stringify(notOk)).toEqual([]);
      // The legitimate backup still restores.
      const r = await restoreBackup(w.existingBackup, w.paths);
      expect(r.restoredFiles).toBe(3);
      check(`${attacks.length} hostile archives refused, then doctor: ${out.results.length} checks all ok (exit 0); the real backup restores ${r.restoredFiles} files`);
    } finally {
      cleanup(w);
    }
  });

  securityCase('restore: .pre-restore keeps the last N safety copies (the setting)', async (check) => {
    const w = await worldWithBackup();
    try {
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await restoreBackup(w.existingBackup, w.paths, { keepSafetyCopies: 5 })).safetyCopy);
      expect(listSafetyCopies(w.dataDir)).toEqual(made.slice(2));
      // Through the CLI, the setting from the environment; a bad value names the variable.
      const viaCli = cli(w.dataDir, ['restore', w.existingBackup, '--json'], { OPENFATTURE_BACKUP_PRE_RESTORE_KEEP: '2' });
      expect(viaCli.status, viaCli.stderr).toBe(0);
      const out = JSON.parse(viaCli.stdout) as { safetyCopy: string; removedSafetyCopies: string[] };
      expect(listSafetyCopies(w.dataDir)).toEqual([made[6], out.safetyCopy]);
      expect(out.removedSafetyCopies).toEqual(made.slice(2, 6));
      const bad = cli(w.dataDir, ['restore', w.existingBackup], { OPENFATTURE_BACKUP_PRE_RESTORE_KEEP: '0' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('OPENFATTURE_BACKUP_PRE_RESTORE_KEEP=0 is invalid (from the environment): expected an integer between 1 and 100');
      expect(listSafetyCopies(w.dataDir)).toHaveLength(2);
      check(`7 restores with keep 5 → the newest 5 kept; CLI with OPENFATTURE_BACKUP_PRE_RESTORE_KEEP=2 → 2 kept, ${out.removedSafetyCopies.length} removed; =0 → exit 2 naming it, nothing restored`);
    } finally {
      cleanup(w);
    }
  });
});

describe('backup and restore working folders', () => {
  securityCase('ops temp: backup and restore work inside the data folder, mode 0700, removed afterwards', async (check) => {
    const w = await worldWithBackup();
    try {
      const seen: { step: string; dir: string; mode: number; files: string[] }[] = [];
      const look = (step: string) => {
        for (const name of fs.readdirSync(opsTempRoot(w.dataDir))) {
          const dir = path.join(opsTempRoot(w.dataDir), name);
          seen.push({ step, dir, mode: fs.statSync(dir).mode & 0o777, files: fs.readdirSync(dir) });
        }
      };
      const d = openDatabase(w.paths.database);
      const b = await createBackup(d.sqlite, w.paths, { appVersion: 'test', progress: (step) => step === 'files' || step === 'archive' ? look(`backup:${step}`) : undefined });
      d.sqlite.close();
      await restoreBackup(b.file, w.paths, { progress: (step) => (step === 'verify' ? look(`restore:${step}`) : undefined) });
      const backupDirs = seen.filter((s) => s.step.startsWith('backup'));
      const restoreDirs = seen.filter((s) => s.step.startsWith('restore'));
      expect(backupDirs.length).toBeGreaterThan(0);
      expect(restoreDirs.length).toBeGreaterThan(0);
      for (const s of seen) {
        expect(s.dir.startsWith(path.join(w.dataDir, '.tmp') + path.sep)).toBe(true);
        expect(s.mode).toBe(0o700);
      }
      expect(backupDirs.some((s) => s.files.includes('openfatture.db'))).toBe(true);
      expect(path.basename(backupDirs[0].dir)).toMatch(new RegExp(`^backup-${process.pid}-`));
      expect(path.basename(restoreDirs[0].dir)).toMatch(new RegExp(`^restore-${process.pid}-`));
      expect(fs.statSync(opsTempRoot(w.dataDir)).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(opsTempRoot(w.dataDir))).toEqual([]);
      check(`backup staged in ${path.basename(backupDirs[0].dir)} and restore in ${path.basename(restoreDirs[0].dir)}, both <data>/.tmp/ mode 700; empty afterwards`);
    } finally {
      cleanup(w);
    }
  });

  securityCase('ops temp: a killed backup leaves its folder in the data folder; the next start and doctor --fix clean it', async (check) => {
    const w = await worldWithBackup();
    try {
      // A database big enough that the backup is still running when it is killed.
      const big = new (await import('better-sqlite3')).default(w.paths.database);
      big.exec('CREATE TABLE filler(b BLOB)');
      const ins = big.prepare('INSERT INTO filler(b) VALUES (randomblob(1048576))');
      big.transaction(() => {
        for (let i = 0; i < 64; i++) ins.run();
      })();
      big.close();
      const child = spawn(process.execPath, [CLI, '--data-dir', w.dataDir, 'backup', '--json'], { cwd: ROOT, stdio: 'ignore' });
      const root = opsTempRoot(w.dataDir);
      const deadline = Date.now() + 120_000;
      let leftover: string | null = null;
      while (!leftover && Date.now() < deadline) {
        const dir = fs.existsSync(root) ? fs.readdirSync(root).find((n) => n.startsWith(`backup-${child.pid}-`)) : undefined;
        // Killed once the copy of the database is well under way.
        const copy = dir ? path.join(root, dir, 'openfatture.db') : '';
        if (dir && fs.existsSync(copy) && fs.statSync(copy).size >= 8 * 1024 * 1024) leftover = path.join(root, dir);
        else await new Promise((r) => setTimeout(r, 5));
      }
      expect(leftover, 'the backup working folder appeared').not.toBeNull();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(isProcessAlive(child.pid!)).toBe(false);
      expect(fs.existsSync(leftover!)).toBe(true);
      expect(fs.statSync(leftover!).mode & 0o777).toBe(0o700);
      const leftBytes = fs.statSync(path.join(leftover!, 'openfatture.db')).size;

      // The next start removes it (any command opening the data folder).
      const status = cli(w.dataDir, ['ai', 'status', '--json']);
      expect(status.status, status.stderr).toBe(0);
      expect(fs.existsSync(leftover!)).toBe(false);

      // Killed while an app runs: the app's doctor reports it, --fix removes it, a live one is kept.
      const app = await App.open({ settings: loadSettings({ env: {}, cwd: w.dataDir, flags: { DATA_DIR: w.dataDir } }), host: 'test', consoleLevel: 'silent' });
      try {
        fs.mkdirSync(leftover!, { mode: 0o700 });
        fs.writeFileSync(path.join(leftover!, 'openfatture.db'), Buffer.alloc(4096));
        const live = makeOpsTemp(w.dataDir, 'backup');
        const checks = (await import('../../src-main/core/ops/doctor')).doctorChecks().filter((c) => c.id === 'ops.temp');
        const first = (await runDoctor(app, { fix: false, checks }))[0];
        expect(first).toMatchObject({ status: 'warn', fixable: true });
        expect(first.detail).toContain(path.basename(leftover!));
        expect(first.detail).toContain(`1 in use (pid ${process.pid})`);
        const fixed = (await runDoctor(app, { fix: true, checks }))[0];
        expect(fixed).toMatchObject({ status: 'ok', fixed: true });
        expect(fs.existsSync(leftover!)).toBe(false);
        expect(fs.existsSync(live)).toBe(true);
        fs.rmSync(live, { recursive: true });
        expect((await runDoctor(app, { fix: false, checks }))[0]).toMatchObject({ status: 'ok' });
      } finally {
        await app.close();
      }
      check(`SIGKILL mid-backup left ${path.basename(leftover!)} (${(leftBytes / 1e6).toFixed(1)} MB of database, mode 700) in <data>/.tmp; the next start removed it; doctor warned, --fix removed a stale one and kept a live one`);
    } finally {
      cleanup(w);
    }
  });
});
