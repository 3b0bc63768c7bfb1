import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../config/paths';
import { InputError } from '../errors';
import { checkOutputPath, managedItemAt, queueSnapshotPathProblem, writeOutput, type OutputPathOptions } from './output-path';

const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'of-outpath-')));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup() {
  const root = tmpDir();
  const data = path.join(root, 'data');
  fs.mkdirSync(path.join(data, '.models'), { recursive: true });
  fs.writeFileSync(path.join(data, 'openfatture.db'), 'db');
  const paths = dataPaths(data);
  const opts: OutputPathOptions = { field: '--output', extensions: ['.jsonl'], writing: 'format jsonl', paths, forceHint: 'add --force to replace it' };
  return { root, data, paths, opts };
}

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('user-named output paths', () => {
  it('names the managed item it refuses, even when forced, directly and through a symlinked folder', () => {
    const { root, data, opts } = setup();
    expect(message(() => checkOutputPath(path.join(data, 'openfatture.db'), { ...opts, force: true }))).toBe(
      `--output: ${path.join(data, 'openfatture.db')} is the database of the data folder ${data}; OpenFatture never writes an output there (not even when told to replace a file)`,
    );
    fs.symlinkSync(data, path.join(root, 'alias'));
    expect(message(() => checkOutputPath(path.join(root, 'alias', '.models', 'x.jsonl'), opts))).toMatch(/is the model artifacts folder of the data folder/);
    expect(message(() => checkOutputPath(path.join(data, 'logs', '..', 'openfatture.db-wal'), opts))).toMatch(/is the database journal/);
  });

  it('checks the extension against what is written, then refuses existing files unless forced', () => {
    const { root, opts } = setup();
    expect(message(() => checkOutputPath(path.join(root, 'out.json'), opts))).toBe('--output: "out.json" does not fit format jsonl: the name must end in .jsonl');
    expect(message(() => checkOutputPath(path.join(root, '.jsonl'), opts))).toMatch(/does not fit/);
    fs.writeFileSync(path.join(root, 'out.jsonl'), 'mine');
    expect(message(() => checkOutputPath(path.join(root, 'out.jsonl'), opts))).toBe(`--output: ${path.join(root, 'out.jsonl')} already exists; choose another name or add --force to replace it`);
    expect(checkOutputPath(path.join(root, 'out.jsonl'), { ...opts, force: true })).toMatchObject({ replaces: true });
    expect(message(() => checkOutputPath(path.join(root, 'nope', 'out.jsonl'), opts))).toBe(`--output: folder ${path.join(root, 'nope')} does not exist`);
    expect(message(() => checkOutputPath(`${root}/a\0.jsonl`, opts))).toBe('--output: must not contain a NUL character');
    expect(message(() => checkOutputPath(`${root}/`, opts))).toMatch(/names a folder/);
  });

  it('does not take the backups folder or an ordinary file in the data folder for a managed one', () => {
    const { data, paths } = setup();
    expect(managedItemAt(path.join(data, 'backups', 'b.tar.gz'), paths)).toBeNull();
    expect(managedItemAt(path.join(data, 'feedback.jsonl'), paths)).toBeNull();
    expect(managedItemAt(path.join(data, '.pre-restore', 'x', 'openfatture.db'), paths)).toBe('the safety copies of restores');
  });

  it('commits without replacing a file that appeared after the check, and leaves no temp file', () => {
    const { root, opts } = setup();
    const file = path.join(root, 'race.jsonl');
    const target = checkOutputPath(file, opts);
    expect(() =>
      writeOutput(target, opts, (tmp) => {
        fs.writeFileSync(tmp, 'export');
        fs.writeFileSync(file, 'someone else');
      }),
    ).toThrow(/was created by someone else while writing; it was left as it was/);
    expect(fs.readFileSync(file, 'utf8')).toBe('someone else');
    expect(fs.readdirSync(root).sort()).toEqual(['data', 'race.jsonl']);
    writeOutput(checkOutputPath(path.join(root, 'new.jsonl'), opts), opts, (tmp) => fs.writeFileSync(tmp, 'export'));
    expect(fs.readFileSync(path.join(root, 'new.jsonl'), 'utf8')).toBe('export');
    expect(fs.readdirSync(root).sort()).toEqual(['data', 'new.jsonl', 'race.jsonl']);
  });

  it('accepts the queue snapshot only as a .json file of its own', () => {
    const { data } = setup();
    expect(queueSnapshotPathProblem(dataPaths(data))).toBeNull();
    expect(queueSnapshotPathProblem(dataPaths(data, '/elsewhere/queue.json'))).toBeNull();
    expect(queueSnapshotPathProblem(dataPaths(data, 'openfatture.db'))).toBe(`${path.join(data, 'openfatture.db')} is not a .json file`);
    expect(queueSnapshotPathProblem(dataPaths(data, 'settings.json'))).toBe(`${path.join(data, 'settings.json')} is the settings store of the data folder ${data}`);
    expect(queueSnapshotPathProblem(dataPaths(data, '.models/cash_flow/1.0.0.json'))).toMatch(/is the model artifacts folder/);
  });
});
