import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liesIn, PathGrants } from './path-grants';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('path grants', () => {
  it('a grant is taken once, in its own mode, before it expires', () => {
    let now = 1_000;
    const grants = new PathGrants(5_000, () => now);
    grants.grant('/home/anna/backup.tar.gz', 'save', { replace: true });
    expect(grants.take('/home/anna/backup.tar.gz', 'open')).toBeNull();
    expect(grants.take('/home/anna/x/../backup.tar.gz', 'save')).toMatchObject({ file: '/home/anna/backup.tar.gz', replace: true });
    expect(grants.take('/home/anna/backup.tar.gz', 'save')).toBeNull();
    grants.grant('/home/anna/old.tar.gz', 'open');
    now += 5_001;
    expect(grants.take('/home/anna/old.tar.gz', 'open')).toBeNull();
  });

  it('holds at most its capacity, dropping the oldest', () => {
    const grants = new PathGrants(60_000, Date.now, 2);
    for (const f of ['/a.tgz', '/b.tgz', '/c.tgz']) grants.grant(f, 'open');
    expect(grants.size).toBe(2);
    expect(grants.take('/a.tgz', 'open')).toBeNull();
    expect(grants.take('/c.tgz', 'open')).not.toBeNull();
  });

  it('judges "inside the folder" on real paths', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'of-grants-')));
    dirs.push(root);
    const folder = path.join(root, 'backups');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(root, 'outside.tar.gz'), 'x');
    fs.symlinkSync(path.join(root, 'outside.tar.gz'), path.join(folder, 'link.tar.gz'));
    fs.symlinkSync(root, path.join(folder, 'up'));
    expect(liesIn(folder, path.join(folder, 'new.tar.gz'))).toBe(true);
    expect(liesIn(folder, path.join(folder, 'sub', 'missing', 'new.tar.gz'))).toBe(true);
    expect(liesIn(folder, folder)).toBe(false);
    expect(liesIn(folder, path.join(folder, '..', 'x.tar.gz'))).toBe(false);
    expect(liesIn(folder, path.join(folder, 'link.tar.gz'))).toBe(false);
    expect(liesIn(folder, path.join(folder, 'up', 'outside.tar.gz'))).toBe(false);
    expect(liesIn(folder, `${folder}-evil/x.tar.gz`)).toBe(false);
    expect(liesIn(folder, 'backups/new.tar.gz')).toBe(false);
  });
});
