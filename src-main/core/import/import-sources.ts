// What the user gave an import (paths on disk, or files sent by the Import page) → the candidate
// invoice files in it: folders are walked (hidden files and symlinks skipped), .zip archives are read
// in memory with yauzl and never extracted to disk. Archives are untrusted: entry names are validated
// (no absolute paths, no "..", they are only labels), and entry count, bytes per entry and total bytes
// are capped while reading, whatever the archive's headers claim. Nested archives are read to a depth of 2.
import fs from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { InputError } from '../errors';
import { coded, type CodedText, type ImportMessage } from './import-message';

export type ImportSource = { kind: 'path'; path: string } | { kind: 'file'; name: string; bytes: Uint8Array };

export interface SourceEntry {
  /** Shown to the user: "fatture.zip › 2024/IT01_1.xml". */
  name: string;
  bytes: Uint8Array | null;
  /** Why it was not read (too big, a bad name, a damaged archive). */
  problem: string | null;
  /** Not an invoice file (another extension); listed, not an error. */
  ignored: string | null;
  /** `problem` or `ignored` with its code. */
  message?: ImportMessage;
}

export interface ArchiveBudget {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxDepth: number;
}

export const DEFAULT_BUDGET: ArchiveBudget = { maxEntries: 100_000, maxEntryBytes: 16 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxDepth: 2 };

const INVOICE_EXT = ['.xml', '.p7m'];

export function kindOfName(name: string): 'invoice' | 'zip' | 'csv' | 'other' {
  const n = name.toLowerCase();
  if (n.endsWith('.zip')) return 'zip';
  if (n.endsWith('.csv') || n.endsWith('.tsv') || n.endsWith('.txt')) return 'csv';
  return INVOICE_EXT.some((e) => n.endsWith(e)) ? 'invoice' : 'other';
}

class Budget {
  entries = 0;
  bytes = 0;
  constructor(readonly limits: ArchiveBudget) {}
  take(bytes: number, what: string): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxTotalBytes) throw new InputError(`${what}: more than ${this.limits.maxTotalBytes} bytes in total — stopped (is it a zip bomb?)`, 'file');
  }
  count(what: string): void {
    if (++this.entries > this.limits.maxEntries) throw new InputError(`${what}: more than ${this.limits.maxEntries} files — stopped`, 'file');
  }
}

const entry = (name: string, over: Partial<SourceEntry>): SourceEntry => ({ name, bytes: null, problem: null, ignored: null, ...over });
const problem = (name: string, c: CodedText): SourceEntry => entry(name, { problem: c.text, message: c.message });
const ignored = (name: string, c: CodedText): SourceEntry => entry(name, { ignored: c.text, message: c.message });

// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A name as a label that cannot break a line or turn text around: control and direction characters as \u{…}. */
export function printable(name: string): string {
  return name.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no archive')) : resolve(zip),
    ),
  );
}

function readEntry(zip: yauzl.ZipFile, e: yauzl.Entry, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(e, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('cannot open entry'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          stream.destroy(new Error(`larger than ${maxBytes} bytes uncompressed`));
          return;
        }
        chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    });
  });
}

async function* expandZip(label: string, bytes: Uint8Array, budget: Budget, depth: number): AsyncGenerator<SourceEntry> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch (e) {
    yield problem(label, coded('zip-unreadable', { detail: (e as Error).message }));
    return;
  }
  try {
    for (;;) {
      const next = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (x: yauzl.Entry) => done(x);
        const onEnd = () => done(null);
        const onError = (err: Error) => {
          zip.off('entry', onEntry).off('end', onEnd);
          reject(err);
        };
        const done = (x: yauzl.Entry | null) => {
          zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
          resolve(x);
        };
        zip.once('entry', onEntry).once('end', onEnd).once('error', onError);
        zip.readEntry();
      });
      if (!next) return;
      const raw = next.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(next.generalPurposeBitFlag, raw, next.extraFields, false);
      const shown = `${label} › ${printable(name)}`;
      if (name.endsWith('/')) continue;
      budget.count(label);
      const bad = yauzl.validateFileName(name) ?? (printable(name) !== name ? 'control or text-direction characters' : null);
      if (bad) {
        yield problem(shown, coded('zip-unsafe-name', { detail: bad }));
        continue;
      }
      const base = name.split('/').pop() ?? name;
      if (base.startsWith('.') || name.startsWith('__MACOSX/')) continue;
      const kind = kindOfName(name);
      if (kind === 'other' || kind === 'csv') {
        yield ignored(shown, coded('not-xml-p7m-zip'));
        continue;
      }
      if (kind === 'zip' && depth >= budget.limits.maxDepth) {
        yield problem(shown, coded('zip-too-deep', { max: budget.limits.maxDepth }));
        continue;
      }
      if (next.uncompressedSize > budget.limits.maxEntryBytes) {
        yield problem(shown, coded('zip-entry-too-large', { max: budget.limits.maxEntryBytes }));
        continue;
      }
      let content: Uint8Array;
      try {
        content = await readEntry(zip, next, budget.limits.maxEntryBytes);
      } catch (e) {
        yield problem(shown, coded('zip-entry-unreadable', { detail: (e as Error).message }));
        continue;
      }
      budget.take(content.byteLength, label);
      if (kind === 'zip') yield* expandZip(shown, content, budget, depth + 1);
      else yield entry(shown, { bytes: content });
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    yield problem(label, coded('zip-damaged', { detail: (e as Error).message }));
  } finally {
    zip.close();
  }
}

async function* walk(dir: string, label: string, budget: Budget): AsyncGenerator<SourceEntry> {
  const names = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const d of names) {
    if (d.name.startsWith('.')) continue;
    const full = path.join(dir, d.name);
    const shown = `${label}/${printable(d.name)}`;
    if (d.isSymbolicLink()) {
      yield ignored(shown, coded('symlink-ignored'));
      continue;
    }
    if (d.isDirectory()) yield* walk(full, shown, budget);
    else if (d.isFile()) yield* fromFile(full, shown, budget);
  }
}

async function* fromFile(file: string, shown: string, budget: Budget): AsyncGenerator<SourceEntry> {
  const kind = kindOfName(file);
  if (kind === 'other' || kind === 'csv') {
    yield ignored(shown, coded('not-xml-p7m-zip'));
    return;
  }
  budget.count(shown);
  const size = (await fs.stat(file)).size;
  const limit = kind === 'zip' ? budget.limits.maxTotalBytes : budget.limits.maxEntryBytes;
  if (size > limit) {
    yield problem(shown, coded('file-too-large', { bytes: size, max: limit }));
    return;
  }
  const bytes = new Uint8Array(await fs.readFile(file));
  if (kind === 'zip') yield* expandZip(shown, bytes, budget, 1);
  else {
    budget.take(bytes.byteLength, shown);
    yield entry(shown, { bytes });
  }
}

/** Every candidate file in the sources, in a stable order. Throws InputError for a missing path or a blown budget. */
export async function* expandSources(sources: readonly ImportSource[], limits: ArchiveBudget = DEFAULT_BUDGET): AsyncGenerator<SourceEntry> {
  const budget = new Budget(limits);
  for (const s of sources) {
    if (s.kind === 'file') {
      const kind = kindOfName(s.name);
      if (kind === 'zip') yield* expandZip(s.name, s.bytes, budget, 1);
      else if (kind === 'invoice') {
        budget.count(s.name);
        budget.take(s.bytes.byteLength, s.name);
        yield entry(s.name, { bytes: s.bytes });
      } else yield ignored(s.name, coded('not-xml-p7m-zip'));
      continue;
    }
    let stat;
    try {
      stat = await fs.stat(s.path);
    } catch (e) {
      throw new InputError(`path: cannot read "${s.path}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'path');
    }
    const label = printable(path.basename(s.path));
    if (stat.isDirectory()) yield* walk(s.path, label, budget);
    else yield* fromFile(s.path, label, budget);
  }
}
