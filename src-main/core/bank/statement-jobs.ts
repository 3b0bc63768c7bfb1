// The worker job that reads a CAMT.053 statement (XML parsing is the slow, synchronous part of a
// statement import: a year's statement takes a few hundred milliseconds), declared here so both sides
// see its types. A refusal travels as data, so its code reaches the page as the main thread would
// have thrown it.
import type { WorkerHost } from '../worker/worker-host';
import type { ImportMessage } from '../import/import-message';
import { StatementFileError, type ParsedStatement } from './statement-types';

export type ReadStatementResult = { ok: true; statement: ParsedStatement } | { ok: false; message: string; coded: ImportMessage };

declare module '../worker/protocol' {
  interface WorkerJobs {
    /** Reads one CAMT.053 file. */
    'bank.camt053.read': { args: { bytes: Uint8Array }; result: ReadStatementResult };
  }
}

/** Reads a CAMT.053 file in the worker; a refusal is thrown as the parser throws it. */
export async function readCamt053InWorker(worker: WorkerHost, bytes: Uint8Array): Promise<ParsedStatement> {
  const r = await worker.call('bank.camt053.read', { bytes });
  if (r.ok) return r.statement;
  throw new StatementFileError({ text: r.message, message: r.coded });
}
