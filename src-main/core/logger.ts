// pino logger writing JSON lines to a rotating file in <data>/logs and "LEVEL | message" lines to the
// console (stderr, so CLI output on stdout stays machine-readable).
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { createStream } from 'rotating-file-stream';

export type { Logger };
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  logsDir?: string;
  fileLevel?: LogLevel;
  consoleLevel?: LogLevel;
  /** Where console lines go; stderr by default. */
  console?: NodeJS.WritableStream;
}

const LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

function consoleStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const rec = JSON.parse(line) as { level: number; msg?: string; component?: string; err?: { message?: string } };
          const where = rec.component ? `[${rec.component}] ` : '';
          const err = rec.err?.message && !rec.msg?.includes(rec.err.message) ? ` (${rec.err.message})` : '';
          out.write(`${LABELS[rec.level] ?? rec.level} | ${where}${rec.msg ?? ''}${err}\n`);
        } catch {
          out.write(line + '\n');
        }
      }
      cb();
    },
  });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const streams: pino.StreamEntry[] = [];
  const consoleLevel = options.consoleLevel ?? 'info';
  if (consoleLevel !== 'silent') {
    streams.push({ level: consoleLevel, stream: consoleStream(options.console ?? process.stderr) });
  }
  const fileLevel = options.fileLevel ?? 'info';
  if (options.logsDir && fileLevel !== 'silent') {
    fs.mkdirSync(options.logsDir, { recursive: true });
    const file = createStream('openfatture.log', { path: options.logsDir, size: '10M', maxFiles: 5, interval: '1d' });
    file.on('error', () => undefined); // logging must never crash the app
    streams.push({ level: fileLevel, stream: file });
  }
  if (streams.length === 0) return pino({ level: 'silent' });
  const levels = [consoleLevel, fileLevel].filter((l) => l !== 'silent') as string[];
  const min = levels.sort((a, b) => pino.levels.values[a]! - pino.levels.values[b]!)[0] ?? 'info';
  return pino({ level: min, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.multistream(streams));
}

export function logFilePath(logsDir: string): string {
  return path.join(logsDir, 'openfatture.log');
}
