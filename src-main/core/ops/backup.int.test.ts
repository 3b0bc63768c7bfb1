// Backup → mutate → restore gives back identical rows, files and checksums; restore refuses while an
// app holds the data dir and rejects tampered archives without touching the data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../config/paths';
import { openDatabase } from '../db/database';
import { InstanceLock } from '../lifespan/instance-lock';
import { applyVerifiedBackup, createBackup, discardVerified, restoreBackup, rowCounts, sha256File, verifyBackup } from './backup';
import * as tar from 'tar';

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-backup-'));
  const paths = dataPaths(dir);
  const d = openDatabase(paths.database);
  const client = d.sqlite.prepare("INSERT INTO clients(denominazione, partita_iva) VALUES (?, ?)");
  const inv = d.sqlite.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date, total_cents) VALUES (?, 2025, ?, '2025-01-10', '2025-02-10', ?)");
  d.sqlite.transaction(() => {
    for (let i = 1; i <= 20; i++) {
      const c = client.run(`Cliente ${i} Srl`, String(10000000000 + i)).lastInsertRowid as number;
      inv.run(String(i), c, i * 1000);
    }
    d.sqlite.prepare("INSERT INTO user_feedback(agent_type, user_input, ai_response, rating) VALUES ('chat', 'q', 'a', 4)").run();
  })();
  fs.mkdirSync(path.join(paths.modelsDir, 'cash_flow'), { recursive: true });
  fs.writeFileSync(path.join(paths.modelsDir, 'cash_flow', '1.0.0.json'), JSON.stringify({ trees: [1, 2, 3] }));
  fs.mkdirSync(paths.vectorDir, { recursive: true });
  fs.writeFileSync(paths.vectorIndex, Buffer.from([1, 2, 3, 4]));
  return { dir, paths, d };
}

describe('backup and restore', () => {
  it('round-trips exactly: rows, artifact and index files come back byte for byte', async () => {
    const { dir, paths, d } = setup();
    const before = rowCounts(d.sqlite);
    const artifact = path.join(paths.modelsDir, 'cash_flow', '1.0.0.json');
    const artifactSha = sha256File(artifact);
    const out = path.join(dir, 'b.tar.gz');
    const steps = new Set<string>();
    const result = await createBackup(d.sqlite, paths, { output: out, appVersion: 'test', progress: (s) => steps.add(s) });
    expect(steps.has('database')).toBe(true);
    expect(result.manifest.rowCounts.invoices).toBe(20);
    expect(result.manifest.files.map((f) => f.path).sort()).toEqual(['.models/cash_flow/1.0.0.json', '.vectors/index.hnsw', 'openfatture.db']);

    // mutate: more invoices, deleted feedback, a changed artifact
    d.sqlite.prepare("INSERT INTO invoices(number, year, client_id, issue_date, due_date) VALUES (99, 2025, 1, '2025-03-01', '2025-04-01')").run();
    d.sqlite.prepare('DELETE FROM user_feedback').run();
    fs.writeFileSync(artifact, 'changed');
    await d.close();

    const restored = await restoreBackup(out, paths);
    expect(restored.restoredFiles).toBe(3);
    const again = openDatabase(paths.database);
    expect(rowCounts(again.sqlite)).toEqual(before);
    expect(sha256File(artifact)).toBe(artifactSha);
    expect(fs.existsSync(path.join(restored.safetyCopy, 'openfatture.db'))).toBe(true);
    await again.close();
  });

  it('writes to the backups folder by default, never overwrites, and names --output when refusing', async () => {
    const { dir, paths, d } = setup();
    const a = await createBackup(d.sqlite, paths, { appVersion: 'test' });
    const b = await createBackup(d.sqlite, paths, { appVersion: 'test' });
    expect(path.dirname(a.file)).toBe(path.join(dir, 'backups'));
    expect(b.file).not.toBe(a.file);
    const sha = sha256File(a.file);
    await expect(createBackup(d.sqlite, paths, { output: a.file, appVersion: 'test' })).rejects.toThrow(/^--output: .* already exists; choose another name$/);
    expect(sha256File(a.file)).toBe(sha);
    expect(fs.readdirSync(path.join(dir, 'backups')).sort()).toEqual([path.basename(a.file), path.basename(b.file)].sort());
    await d.close();
  });

  it('refuses to restore while an app holds the data dir, and leaves the data alone', async () => {
    const { dir, paths, d } = setup();
    const out = path.join(dir, 'b.tar.gz');
    await createBackup(d.sqlite, paths, { output: out, appVersion: 'test' });
    d.sqlite.prepare("INSERT INTO clients(denominazione) VALUES ('Dopo il backup')").run();
    await d.close();
    // A live process other than this one holds the lock.
    fs.writeFileSync(path.join(paths.dataDir, 'app.lock'), JSON.stringify({ pid: process.ppid, host: 'serve', startedAt: '' }));
    await expect(restoreBackup(out, paths)).rejects.toThrow(/Restore refused: OpenFatture \(serve, pid \d+\) is running/);
    const d2 = openDatabase(paths.database);
    expect((d2.sqlite.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n).toBe(21);
    await d2.close();
    fs.unlinkSync(path.join(paths.dataDir, 'app.lock'));
    // and a second app on the same data dir is refused too
    const lock = InstanceLock.acquire(paths.dataDir, 'serve');
    expect(() => {
      fs.writeFileSync(path.join(paths.dataDir, 'app.lock'), JSON.stringify({ pid: process.ppid, host: 'electron', startedAt: '' }));
      InstanceLock.acquire(paths.dataDir, 'serve');
    }).toThrow(/already running/);
    lock.release();
  });

  it('rejects a tampered archive (checksum mismatch) before touching anything', async () => {
    const { dir, paths, d } = setup();
    const out = path.join(dir, 'b.tar.gz');
    await createBackup(d.sqlite, paths, { output: out, appVersion: 'test' });
    await d.close();
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'of-tamper-'));
    await tar.x({ file: out, cwd: stage });
    fs.writeFileSync(path.join(stage, '.vectors', 'index.hnsw'), Buffer.from([9, 9, 9, 9]));
    const bad = path.join(dir, 'bad.tar.gz');
    await tar.c({ gzip: true, file: bad, cwd: stage }, fs.readdirSync(stage));
    await expect(verifyBackup(bad, paths)).rejects.toThrow('checksum mismatch for .vectors/index.hnsw');
    await expect(restoreBackup(bad, paths)).rejects.toThrow('checksum mismatch');
    expect(fs.existsSync(path.join(paths.dataDir, '.pre-restore'))).toBe(false);
    await expect(restoreBackup(path.join(dir, 'missing.tar.gz'), paths)).rejects.toThrow('does not exist');
  });

  it('a failure while replacing files puts the current data back', async () => {
    const { dir, paths, d } = setup();
    const out = path.join(dir, 'b.tar.gz');
    await createBackup(d.sqlite, paths, { output: out, appVersion: 'test' });
    d.sqlite.prepare("INSERT INTO clients(denominazione) VALUES ('Dopo il backup')").run();
    await d.close();
    const artifact = path.join(paths.modelsDir, 'cash_flow', '1.0.0.json');
    const artifactSha = sha256File(artifact);
    const verified = await verifyBackup(out, paths);
    // The last file of the backup vanishes after verification: its copy fails midway.
    fs.rmSync(path.join(verified.stage, verified.manifest.files.at(-1)!.path));
    expect(() => applyVerifiedBackup(verified, paths)).toThrow(/Restore failed while replacing files, the data is unchanged/);
    discardVerified(verified);
    const again = openDatabase(paths.database);
    expect((again.sqlite.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n).toBe(21);
    await again.close();
    expect(sha256File(artifact)).toBe(artifactSha);
    expect(fs.readdirSync(path.join(paths.dataDir, '.pre-restore'))).toEqual([]);
  });
});
