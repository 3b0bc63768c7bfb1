// The working folders of backup and restore: inside the data folder, 0700, and only a folder no
// live process uses is ever swept.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listOpsTemp, makeOpsTemp, opsTempRoot, sweepStaleOpsTemp } from './ops-temp';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-ops-temp-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('ops temp folders', () => {
  it('are made inside <data>/.tmp with mode 0700, named after the process', () => {
    const data = tmp();
    const dir = makeOpsTemp(data, 'backup');
    expect(path.dirname(dir)).toBe(opsTempRoot(data));
    expect(path.basename(dir)).toMatch(new RegExp(`^backup-${process.pid}-[A-Za-z0-9]+$`));
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(opsTempRoot(data)).mode & 0o777).toBe(0o700);
  });

  it('tightens a .tmp folder made with a looser mode', () => {
    const data = tmp();
    fs.mkdirSync(opsTempRoot(data), { mode: 0o755 });
    fs.chmodSync(opsTempRoot(data), 0o755);
    makeOpsTemp(data, 'restore');
    expect(fs.statSync(opsTempRoot(data)).mode & 0o777).toBe(0o700);
  });

  it('refuse to work through a .tmp that is a link', () => {
    const data = tmp();
    const elsewhere = tmp();
    fs.symlinkSync(elsewhere, opsTempRoot(data));
    expect(() => makeOpsTemp(data, 'backup')).toThrow(/\.tmp is a symbolic link; remove it \(doctor --fix does\)/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(listOpsTemp(data)).toEqual([]);
  });

  it('sweeps the folders of dead processes and unknown names, never a live one', () => {
    const data = tmp();
    const mine = makeOpsTemp(data, 'backup');
    const dead = deadPid();
    const stale = path.join(opsTempRoot(data), `restore-${dead}-abc123`);
    fs.mkdirSync(stale);
    fs.writeFileSync(path.join(stale, 'openfatture.db'), Buffer.alloc(8192));
    const odd = path.join(opsTempRoot(data), 'something-else');
    fs.writeFileSync(odd, 'x');
    // This pid, but not made by this process: a previous process that had the same pid.
    const reused = path.join(opsTempRoot(data), `backup-${process.pid}-old000`);
    fs.mkdirSync(reused);
    const listed = listOpsTemp(data).sort((a, b) => a.name.localeCompare(b.name));
    expect(listed.map((e) => [e.name, e.pid, e.stale])).toEqual(
      [
        [path.basename(mine), process.pid, false],
        [`backup-${process.pid}-old000`, process.pid, true],
        [`restore-${dead}-abc123`, dead, true],
        ['something-else', null, true],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(listed.find((e) => e.pid === dead)?.bytes).toBe(8192);
    expect(sweepStaleOpsTemp(data).map((e) => e.name).sort()).toEqual([`backup-${process.pid}-old000`, `restore-${dead}-abc123`, 'something-else'].sort());
    expect(fs.readdirSync(opsTempRoot(data))).toEqual([path.basename(mine)]);
  });
});
