import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitTempFile, tempPathFor, writeFileAtomic } from './atomic-file';

const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-atomic-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('atomic file writes', () => {
  it('replaces the whole file and leaves no temp file beside it', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'index.meta.json');
    writeFileAtomic(file, '{"generation":1}');
    writeFileAtomic(file, '{"generation":2}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"generation":2}');
    expect(fs.readdirSync(dir)).toEqual(['index.meta.json']);
  });

  it('a write that fails keeps the old file and removes its temp file', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'snapshot.json');
    writeFileAtomic(file, 'old');
    // A folder where the temp file should go makes the write fail the way a full disk would.
    fs.mkdirSync(tempPathFor(file));
    expect(() => writeFileAtomic(file, 'new')).toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });

  it('commits a temp file written by someone else (an archive, an index) over the target', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'backup.tar.gz');
    const tmp = tempPathFor(file);
    expect(path.dirname(tmp)).toBe(dir);
    expect(path.basename(tmp)).toMatch(/^\.backup\.tar\.gz\.\d+\.tmp$/);
    fs.writeFileSync(tmp, 'archive');
    commitTempFile(tmp, file);
    expect(fs.readdirSync(dir)).toEqual(['backup.tar.gz']);
    expect(fs.readFileSync(file, 'utf8')).toBe('archive');
  });
});
