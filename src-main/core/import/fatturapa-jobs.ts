// The worker job that reads FatturaPA files (signature unwrapping, decoding, XML parsing, mapping):
// declared here so both sides see its types. The main thread only expands folders and archives and
// writes the results, so a large import never blocks the UI or the IPC router.
import type { WorkerHost } from '../worker/worker-host';
import type { FatturaFileResult } from '../fatturapa/fatturapa-types';

export interface ReadFatturaJobArgs {
  files: { name: string; bytes: Uint8Array }[];
}

declare module '../worker/protocol' {
  interface WorkerJobs {
    /** Reads a chunk of FatturaPA files; one result per file, in order. */
    'import.fatturapa.read': { args: ReadFatturaJobArgs; result: FatturaFileResult[] };
  }
}

export function readFatturaInWorker(worker: WorkerHost, files: ReadFatturaJobArgs['files']): Promise<FatturaFileResult[]> {
  return worker.call('import.fatturapa.read', { files });
}
