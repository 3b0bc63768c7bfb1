// Model artifacts on disk: <data>/.models/<model>/<version>.json, written atomically (temp file,
// fsync, rename, fsync of the folder) so a process killed at any instant leaves either the old file
// set or the new complete file, never a torn one. The sha256 goes to model_versions; every load
// verifies it, so a truncated or edited file is detected instead of served.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors';
import { diskFullPoint, faultPoint } from '../../faults';
import { fsyncDirAsync, tempPathFor } from '../../fs/atomic-file';

export type ArtifactHealth = 'ok' | 'missing' | 'corrupt';

export class ArtifactError extends AppError {
  constructor(
    readonly health: Exclude<ArtifactHealth, 'ok'>,
    message: string,
  ) {
    super(health === 'missing' ? 'ARTIFACT_MISSING' : 'ARTIFACT_CORRUPT', message);
  }
}

export interface StoredArtifact {
  /** Relative to the models dir, so a restored backup in another folder still resolves. */
  relativePath: string;
  sha256: string;
  bytes: number;
}

export function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export class ArtifactStore {
  constructor(readonly modelsDir: string) {}

  relativePathFor(model: string, version: string): string {
    return path.join(model, `${version}.json`);
  }

  absolute(relativePath: string): string {
    return path.resolve(this.modelsDir, relativePath);
  }

  /** Asynchronous so a multi-megabyte write and its fsyncs never block the main thread's event loop. */
  async write(model: string, version: string, content: string): Promise<StoredArtifact> {
    const relativePath = this.relativePathFor(model, version);
    const target = this.absolute(relativePath);
    const dir = path.dirname(target);
    await fsp.mkdir(dir, { recursive: true });
    const data = Buffer.from(content, 'utf8');
    const digest = sha256(data);
    const tmp = tempPathFor(target);
    const file = await fsp.open(tmp, 'w');
    try {
      diskFullPoint('artifact-write');
      const half = Math.floor(data.length / 2);
      await file.write(data, 0, half, 0);
      faultPoint('artifact-write-pause');
      await file.write(data, half, data.length - half, half);
      await file.sync();
    } catch (e) {
      // A failed write (a full disk) must not leave its partial temp file behind.
      await file.close();
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    await file.close();
    await fsp.rename(tmp, target);
    await fsyncDirAsync(dir);
    return { relativePath, sha256: digest, bytes: data.length };
  }

  /** Reads and verifies; throws ArtifactError('missing' | 'corrupt'). */
  read(relativePath: string, expectedSha256: string | null): string {
    const file = this.absolute(relativePath);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtifactError('missing', `artifact ${relativePath} is missing`);
      throw e;
    }
    if (!expectedSha256) throw new ArtifactError('corrupt', `artifact ${relativePath} has no recorded checksum`);
    const actual = sha256(data);
    if (actual !== expectedSha256) {
      throw new ArtifactError('corrupt', `artifact ${relativePath} is corrupt (sha256 ${actual.slice(0, 12)}… expected ${expectedSha256.slice(0, 12)}…)`);
    }
    return data.toString('utf8');
  }

  health(relativePath: string | null, expectedSha256: string | null): ArtifactHealth {
    if (!relativePath) return 'missing';
    try {
      this.read(relativePath, expectedSha256);
      return 'ok';
    } catch (e) {
      if (e instanceof ArtifactError) return e.health;
      throw e;
    }
  }

  remove(relativePath: string): void {
    fs.rmSync(this.absolute(relativePath), { force: true });
  }

  /** Temp files left by a process killed mid-write; harmless, removed on the next write session. */
  removeStaleTempFiles(model: string): number {
    const dir = path.join(this.modelsDir, model);
    if (!fs.existsSync(dir)) return 0;
    let removed = 0;
    for (const name of fs.readdirSync(dir)) {
      const m = /^\..+\.json\.(\d+)\.tmp$/.exec(name);
      if (!m || isAlive(Number(m[1]))) continue;
      fs.rmSync(path.join(dir, name), { force: true });
      removed++;
    }
    return removed;
  }
}

export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
