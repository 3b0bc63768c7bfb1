// Files sent by the Import page, held in memory per upload session until they are imported or
// dropped: never written to disk, never named by a path. Each session is reachable only by its random
// 128-bit id, and holds its own files (one session cannot name another's). Budgets: sessions at a
// time, bytes per session, bytes across sessions, files per session; chunks are appended in order
// (an offset that is not the file's current length is refused, so nothing overlaps or leaves holes).
// A session idle for `idleMs` is dropped by a sweep that runs on a timer (also with no calls coming
// in), unless an import of it is running; `dispose` drops them all.
import crypto from 'node:crypto';
import { AppError, InputError, NotFoundError } from '../errors';

export interface UploadLimits {
  maxSessions: number;
  sessionBytes: number;
  totalBytes: number;
  maxFiles: number;
  chunkBytes: number;
  idleMs: number;
  sweepEveryMs: number;
}

export interface UploadSession<R> {
  readonly id: string;
  files: Map<string, Buffer[]>;
  sizes: Map<string, number>;
  bytes: number;
  touched: number;
  busy: boolean;
  /** What was read from the files (kept between a dry run and the import); cleared by every upload. */
  reading: R | null;
}

export class UploadSessions<R = unknown> {
  private readonly sessions = new Map<string, UploadSession<R>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly limits: UploadLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.sweep(), limits.sweepEveryMs);
    this.timer.unref();
  }

  begin(): UploadSession<R> {
    this.sweep();
    if (this.sessions.size >= this.limits.maxSessions) throw new AppError('BUSY', `at most ${this.limits.maxSessions} uploads at a time; finish or discard one first`);
    const s: UploadSession<R> = { id: crypto.randomBytes(16).toString('hex'), files: new Map(), sizes: new Map(), bytes: 0, touched: this.now(), busy: false, reading: null };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The session, touched; NotFoundError when it does not exist or has expired. */
  get(id: string): UploadSession<R> {
    this.sweep();
    const s = this.sessions.get(id);
    if (!s) throw new NotFoundError(`sessionId: no upload session ${id} (it may have expired; add the files again)`, 'sessionId');
    s.touched = this.now();
    return s;
  }

  touch(s: UploadSession<R>): void {
    s.touched = this.now();
  }

  /** Appends a chunk to a file of the session at `offset` (which must be the file's current length). Returns the file's new length. */
  append(id: string, name: string, offset: number, chunk: Buffer): number {
    const s = this.get(id);
    if (s.busy) throw new AppError('BUSY', 'the files are being imported; wait for it to finish');
    if (chunk.length > this.limits.chunkBytes) throw new InputError(`data: at most ${this.limits.chunkBytes} bytes per call, got ${chunk.length}`, 'data');
    const have = s.sizes.get(name);
    if (have === undefined && s.files.size >= this.limits.maxFiles) throw new InputError(`name: at most ${this.limits.maxFiles} files in one import`, 'name');
    if (offset !== (have ?? 0)) throw new InputError(`offset: expected ${have ?? 0} for ${name} (chunks are appended in order), got ${offset}`, 'offset');
    if (s.bytes + chunk.length > this.limits.sessionBytes) throw new InputError(`data: more than ${this.limits.sessionBytes} bytes in one import`, 'data');
    if (this.totalBytes() + chunk.length > this.limits.totalBytes) throw new AppError('BUSY', `uploads in progress hold ${this.limits.totalBytes} bytes; finish or discard one first`);
    if (have === undefined) s.files.set(name, []);
    s.files.get(name)!.push(chunk);
    s.sizes.set(name, (have ?? 0) + chunk.length);
    s.bytes += chunk.length;
    s.reading = null;
    return (have ?? 0) + chunk.length;
  }

  /** A file's bytes, joined. */
  bytesOf(s: UploadSession<R>, name: string): Buffer {
    const parts = s.files.get(name);
    if (!parts) throw new NotFoundError(`file: no file ${name} in this upload`, 'file');
    if (parts.length > 1) s.files.set(name, [Buffer.concat(parts)]);
    return s.files.get(name)![0] ?? Buffer.alloc(0);
  }

  discard(id: string): boolean {
    return this.sessions.delete(id);
  }

  /** Drops sessions idle for longer than `idleMs` (not while an import of them runs). Returns how many. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [id, s] of this.sessions) {
      if (!s.busy && now - s.touched > this.limits.idleMs) {
        this.sessions.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Sessions and the bytes they hold (for tests and status). */
  stats(): { sessions: number; bytes: number } {
    return { sessions: this.sessions.size, bytes: this.totalBytes() };
  }

  dispose(): void {
    clearInterval(this.timer);
    this.sessions.clear();
  }

  private totalBytes(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.bytes;
    return n;
  }
}
