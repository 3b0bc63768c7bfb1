// Export of feedback (JSON array, JSONL, CSV, or OpenAI chat fine-tuning JSONL of the corrections)
// and lossless re-import. A file export is a user-named output (fs/output-path): never one of the
// data folder's managed files, never over an existing file unless forced, its extension matching the
// format; rows stream to a temp file committed into place, so a crash never leaves a half-written
// file under the requested name. The desktop/browser export renders the same bytes in memory.
// CSV cells that a spreadsheet would run as a formula are neutralised (feedback-record). Imports
// validate every record — types and the contract's size limits — before writing any, in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { parse as parseCsv } from 'csv-parse/sync';
import { dataPaths, type DataPaths } from '../config/paths';
import { SqlRunner } from '../db/sql-runner';
import { isIsoDate, todayIso } from '../dates';
import { InputError } from '../errors';
import { checkOutputPath, writeOutput } from '../fs/output-path';
import { FeedbackRepository } from './feedback-repository';
import { normalizeText } from './normalize-text';
import { PredictionRepository } from './prediction-repository';
import {
  CSV_HEADER,
  chatRecord,
  csvLine,
  feedbackRecordSchema,
  predictionRecord,
  recordFromCsv,
  type FeedbackRecord,
} from './feedback-record';

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv', 'openai-chat'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The file endings each format may be written to, whether the format was given or implied. */
export const FORMAT_EXTENSIONS: Record<ExportFormat, readonly string[]> = {
  json: ['.json'],
  jsonl: ['.jsonl', '.ndjson'],
  csv: ['.csv'],
  'openai-chat': ['.jsonl', '.ndjson'],
};

export interface RenderOptions {
  format: ExportFormat;
  /** First day included (YYYY-MM-DD). */
  since?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportOptions extends Omit<RenderOptions, 'format'> {
  output: string;
  format?: ExportFormat;
  /** Replace an existing file (never one of the data folder's managed files). */
  force?: boolean;
  /**
   * The data folder whose managed files are never written. Default: the folder of the database
   * being exported, with that database file.
   */
  paths?: DataPaths;
  /** How the user forces a replacement, for the "already exists" message (`add --force to replace it`). */
  forceHint?: string;
}

export interface ExportCounts {
  format: ExportFormat;
  chat: number;
  predictions: number;
  /** Lines written: records, or chat examples for openai-chat. */
  written: number;
}

export interface ExportResult extends ExportCounts {
  file: string;
}

/** The format a file name implies: .jsonl/.ndjson → jsonl, .csv → csv, .json → json. */
export function formatFromFileName(file: string, field = 'output'): 'json' | 'jsonl' | 'csv' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new InputError(`${field}: cannot tell the format from "${path.basename(file)}" (use .json, .jsonl or .csv, or give --format)`, field);
}

function checkRenderOptions(format: unknown, since: unknown): void {
  if (format !== undefined && !EXPORT_FORMATS.includes(format as ExportFormat)) {
    throw new InputError(`format: expected one of ${EXPORT_FORMATS.join(', ')}, got "${String(format)}"`, 'format');
  }
  if (since != null && (typeof since !== 'string' || !isIsoDate(since))) throw new InputError(`since: expected a date as YYYY-MM-DD, got "${String(since)}"`, 'since');
}

/**
 * Renders the export as text chunks handed to `sink` in order (about 1 MiB each), from one read
 * transaction: the output is a consistent snapshot even while others write.
 */
export function renderFeedbackExport(sqlite: BetterSqlite3.Database, options: RenderOptions, sink: (chunk: string) => void): ExportCounts {
  checkRenderOptions(options.format, options.since);
  const format = options.format;
  const since = options.since ?? '';
  const result: ExportCounts = { format, chat: 0, predictions: 0, written: 0 };
  const feedback = new FeedbackRepository(sqlite);
  const predictions = new PredictionRepository(sqlite);
  SqlRunner.of(sqlite).transaction(() => {
    const onlyCorrections = format === 'openai-chat';
    const total = feedback.countSince(since, onlyCorrections) + (onlyCorrections ? 0 : predictions.countSince(since));
    let buffer = '';
    const emit = (line: string) => {
      buffer += (format === 'json' ? (result.written ? ',\n' : '\n') : '') + line + (format === 'json' ? '' : '\n');
      result.written++;
      if (buffer.length > 1 << 20) {
        sink(buffer);
        buffer = '';
        options.onProgress?.(result.written, total);
      }
    };
    if (format === 'json') buffer += '[';
    if (format === 'csv') buffer += CSV_HEADER.join(',') + '\n';
    for (const row of feedback.rowsSince(since, onlyCorrections)) {
      result.chat++;
      if (format === 'openai-chat') {
        emit(JSON.stringify({ messages: [{ role: 'user', content: row.user_input }, { role: 'assistant', content: row.user_correction }] }));
      } else emit(line(chatRecord(row), format));
    }
    if (!onlyCorrections) {
      for (const row of predictions.rowsSince(since)) {
        result.predictions++;
        emit(line(predictionRecord(row), format));
      }
    }
    if (format === 'json') buffer += result.written ? '\n]\n' : ']\n';
    sink(buffer);
    options.onProgress?.(result.written, total);
  });
  return result;
}

/** The export as one string (the app hands it to the renderer, which saves it where the user says). */
export function renderFeedbackExportText(sqlite: BetterSqlite3.Database, options: RenderOptions): ExportCounts & { text: string } {
  const chunks: string[] = [];
  const counts = renderFeedbackExport(sqlite, options, (c) => chunks.push(c));
  return { ...counts, text: chunks.join('') };
}

const DOWNLOAD_TYPES = {
  json: { ext: 'json', mime: 'application/json' },
  jsonl: { ext: 'jsonl', mime: 'application/x-ndjson' },
  csv: { ext: 'csv', mime: 'text/csv' },
  'openai-chat': { ext: 'jsonl', mime: 'application/x-ndjson' },
} as const;

/** The export as a download for the renderer to save: a dated file name, its MIME type, the text. */
export function feedbackDownload(sqlite: BetterSqlite3.Database, options: { format: ExportFormat; since?: string }): { filename: string; mimeType: string; content: string; count: number } {
  const type = DOWNLOAD_TYPES[options.format];
  const filename = `openfatture-feedback-${todayIso()}${options.format === 'openai-chat' ? '-openai-chat' : ''}.${type.ext}`;
  const r = renderFeedbackExportText(sqlite, options);
  return { filename, mimeType: type.mime, content: r.text, count: r.written };
}

/** The data folder a database lives in, with that database as its managed database file. */
function pathsOfDatabase(sqlite: BetterSqlite3.Database): DataPaths {
  const file = path.resolve(sqlite.name);
  return { ...dataPaths(path.dirname(file)), database: file };
}

export function exportFeedback(sqlite: BetterSqlite3.Database, options: ExportOptions): ExportResult {
  if (typeof options.output !== 'string' || !options.output.trim()) throw new InputError('output: a file name is required', 'output');
  checkRenderOptions(options.format, options.since);
  const format = options.format ?? formatFromFileName(options.output);
  const outputOptions = { field: 'output', forceHint: options.forceHint };
  // The extension is checked against the format whether it was given or implied by the name.
  const target = checkOutputPath(options.output, {
    ...outputOptions,
    extensions: FORMAT_EXTENSIONS[format],
    writing: `format ${format}`,
    paths: options.paths ?? pathsOfDatabase(sqlite),
    force: options.force,
  });
  const written: { counts?: ExportCounts } = {};
  writeOutput(target, outputOptions, (tmp) => {
    const fd = fs.openSync(tmp, 'w');
    try {
      written.counts = renderFeedbackExport(sqlite, { format, since: options.since, onProgress: options.onProgress }, (chunk) => fs.writeSync(fd, chunk));
    } finally {
      fs.closeSync(fd);
    }
  });
  return { file: target.file, ...written.counts! };
}

function line(rec: FeedbackRecord, format: ExportFormat): string {
  return format === 'csv' ? csvLine(rec) : JSON.stringify(rec);
}

export interface ImportResult {
  file: string;
  chat: number;
  predictions: number;
  /** Records already present with the same id and content. */
  skipped: number;
  /** Records whose id was taken by a different row here: stored under a new id. */
  renumbered: number;
  /** Auto-outcome links to prediction_log rows that do not exist in this database (stored without the link). */
  unlinked: number;
}

/** Reads and validates a whole export file; throws an InputError naming the record and field. */
export function readFeedbackFile(file: string, format?: 'json' | 'jsonl' | 'csv'): FeedbackRecord[] {
  const fmt = format ?? formatFromFileName(file, 'file');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'file');
  }
  let raw: { where: string; value: unknown }[];
  if (fmt === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new InputError(`file: invalid JSON (${(e as Error).message})`, 'file');
    }
    if (!Array.isArray(parsed)) throw new InputError('file: expected a JSON array of feedback records', 'file');
    raw = parsed.map((value, i) => ({ where: `record ${i + 1}`, value }));
  } else if (fmt === 'jsonl') {
    raw = [];
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      try {
        raw.push({ where: `line ${i + 1}`, value: JSON.parse(l) });
      } catch (e) {
        throw new InputError(`file: line ${i + 1}: invalid JSON (${(e as Error).message})`, 'file');
      }
    });
  } else {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];
    } catch (e) {
      throw new InputError(`file: invalid CSV (${(e as Error).message})`, 'file');
    }
    raw = rows.map((r, i) => ({ where: `row ${i + 2}`, value: recordFromCsv(r) }));
  }
  return raw.map(({ where, value }) => {
    const r = feedbackRecordSchema.safeParse(value);
    if (!r.success) {
      const i = r.error.issues[0]!;
      const field = i.path.map(String).join('.') || 'kind';
      throw new InputError(`file: ${where}: ${field}: ${i.message}`, field);
    }
    return r.data;
  });
}

export function importFeedback(sqlite: BetterSqlite3.Database, file: string, format?: 'json' | 'jsonl' | 'csv'): ImportResult {
  const records = readFeedbackFile(file, format);
  const result: ImportResult = { file: path.resolve(file), chat: 0, predictions: 0, skipped: 0, renumbered: 0, unlinked: 0 };
  const feedback = new FeedbackRepository(sqlite);
  const predictions = new PredictionRepository(sqlite);
  const same = (a: FeedbackRecord, b: FeedbackRecord) => JSON.stringify(a) === JSON.stringify(b);
  SqlRunner.of(sqlite).transaction(() => {
    for (const rec of records) {
      if (rec.kind === 'chat') {
        const existing = feedback.byId(rec.id);
        if (existing && same(chatRecord(existing), rec)) {
          result.skipped++;
          continue;
        }
        if (existing) result.renumbered++;
        const { kind: _kind, ...row } = rec;
        feedback.insertStored({
          ...row,
          id: existing ? null : rec.id,
          context: rec.context == null ? null : JSON.stringify(rec.context),
          question_norm: normalizeText(rec.user_input),
          response_norm: normalizeText(rec.ai_response),
        });
        result.chat++;
      } else {
        const existing = predictions.byId(rec.id);
        if (existing && same(predictionRecord(existing), rec)) {
          result.skipped++;
          continue;
        }
        if (existing) result.renumbered++;
        let logId = rec.prediction_log_id;
        if (logId != null) {
          const l = predictions.logLink(logId);
          if (!l.present || l.taken) {
            logId = null;
            result.unlinked++;
          }
        }
        const { kind: _kind, ...row } = rec;
        predictions.insertStored({
          ...row,
          id: existing ? null : rec.id,
          prediction: JSON.stringify(rec.prediction),
          actual_outcome: rec.actual_outcome == null ? null : JSON.stringify(rec.actual_outcome),
          was_accurate: rec.was_accurate == null ? null : rec.was_accurate ? 1 : 0,
          prediction_log_id: logId,
        });
        result.predictions++;
      }
    }
  }, 'immediate');
  return result;
}
