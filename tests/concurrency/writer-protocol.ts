// What the concurrency writers share: the spec a CLI writer process runs, the record each write
// leaves behind (what the writer says it committed), and the real command lines of each write kind.
import { z } from 'zod';

export const WRITE_KINDS = ['invoice', 'payment', 'feedback'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

export const writerSpecSchema = z.object({
  /** Names the writer; every write carries `<tag>-<n>` so rows can be traced to it. */
  tag: z.string().regex(/^[a-z0-9-]+$/),
  dataDir: z.string().min(1),
  kinds: z.array(z.enum(WRITE_KINDS)).min(1),
  clientIds: z.array(z.number().int().positive()).min(1),
  /** The invoices this writer pays (disjoint from the other writers', so amounts reconcile per writer). */
  payInvoiceIds: z.array(z.number().int().positive()),
  /** Time from the start of one write to the start of the next (0: back to back). */
  intervalMs: z.number().min(0),
  durationMs: z.number().positive(),
  /** JSON-lines file the outcomes are appended to. */
  out: z.string().min(1),
});
export type WriterSpec = z.infer<typeof writerSpecSchema>;

export interface WriteRecord {
  source: string;
  kind: WriteKind;
  n: number;
  /** CLI exit code, or 0/1 for a WebSocket call's ok. */
  exit: number;
  ms: number;
  at: number;
  /** Created invoice or feedback id. */
  id?: number;
  /** Paid invoice and the amount the app says it applied. */
  invoiceId?: number;
  appliedCents?: number;
  error?: string;
}

export interface CommandTargets {
  tag: string;
  clientIds: readonly number[];
  payInvoiceIds: readonly number[];
}

/** The `openfatture` command line of the n-th write of a kind (after the global options). */
export function commandLine(kind: WriteKind, n: number, t: CommandTargets): string[] {
  const marker = `${t.tag}-${n}`;
  switch (kind) {
    case 'invoice': {
      const client = t.clientIds[n % t.clientIds.length]!;
      return ['fattura', 'crea', '--cliente', String(client), '--riga', `Consulenza ${marker};1;${100 + (n % 50)},00;22`, '--note', marker, '--json'];
    }
    case 'payment': {
      const invoice = t.payInvoiceIds[n % t.payInvoiceIds.length]!;
      // One cent at a time: the invoice never runs out of outstanding amount during a run.
      return ['fattura', 'paga', `id:${invoice}`, '--importo', '0,01', '--metodo', 'bonifico', '--riferimento', marker, '--json'];
    }
    case 'feedback':
      return ['ai', 'feedback', 'submit', '--input', `Domanda ${marker}`, '--response', 'Risposta', '--rating', String(1 + (n % 5)), '--session-id', t.tag, '--message-id', String(n), '--json'];
  }
}

/** Reads what a successful `--json` command printed into the record's committed fields. */
export function committedFrom(kind: WriteKind, stdout: string): Pick<WriteRecord, 'id' | 'invoiceId' | 'appliedCents'> {
  const json = JSON.parse(stdout) as { id?: number; invoice?: { id: number }; appliedCents?: number };
  if (kind === 'invoice') {
    if (typeof json.invoice?.id !== 'number') throw new Error('no invoice.id');
    return { id: json.invoice.id };
  }
  if (kind === 'payment') {
    if (typeof json.invoice?.id !== 'number' || typeof json.appliedCents !== 'number') throw new Error('no invoice.id/appliedCents');
    return { invoiceId: json.invoice.id, appliedCents: json.appliedCents };
  }
  if (typeof json.id !== 'number') throw new Error('no id');
  return { id: json.id };
}
