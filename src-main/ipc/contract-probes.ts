// Malformed arguments for every channel, generated from its zod schema: starting from a valid example
// (EXAMPLE_ARGS, which the type system forces to cover every channel), each field in turn gets values
// of the wrong type or range, each required field is dropped, an unknown key is added, and non-objects
// are sent. Used by the router's tests and the fuzzing suite, so a new channel is covered the day it is
// added to the contract.
import { z } from 'zod';
import { channels, type Channel, type ChannelArgs } from '../../src-preload/contract/channels';
import { TextLimits } from '../../src-preload/contract/common';

export interface Probe {
  name: string;
  args: unknown;
  /** The field the error message must name ('args' for the whole object). */
  field: string;
}

function unwrap(t: z.ZodTypeAny): z.ZodTypeAny {
  let cur = t;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap();
    else if (cur instanceof z.ZodDefault) cur = cur._def.innerType;
    else if (cur instanceof z.ZodEffects) cur = cur.innerType();
    else return cur;
  }
}

/** Values of the wrong type for a field of schema `t`. */
/** A string over every text limit of the contract. */
const TOO_LONG = 'x'.repeat(Object.values(TextLimits).reduce((a, b) => Math.max(a, b), 0) + 1);

export function wrongValues(t: z.ZodTypeAny): unknown[] {
  const base = unwrap(t);
  if (base instanceof z.ZodString) return [12345, true, { x: 1 }, TOO_LONG];
  if (base instanceof z.ZodNumber) return ['abc', true, Number.NaN, 1e300, -1e300, [1]];
  if (base instanceof z.ZodBoolean) return ['yes', 1, null];
  if (base instanceof z.ZodEnum) return ['definitely-not-a-valid-option', 7];
  if (base instanceof z.ZodArray) return ['not-an-array', { 0: 'x' }, 12];
  if (base instanceof z.ZodObject || base instanceof z.ZodRecord) return ['not-an-object', 42, [1, 2]];
  if (base instanceof z.ZodUnion) return [{ nested: { deep: [] } }, [null]];
  return [Symbol.for('junk').toString(), { junk: true }];
}

/** A schema-valid argument object for every channel (the base the probes start from). */
export const EXAMPLE_ARGS: { [C in Channel]: ChannelArgs<C> } = {
  'invoices:list': { search: 'Rossi', status: 'issued', clientId: 1, from: '2025-01-01', to: '2025-12-31', limit: 10, offset: 0 },
  'invoices:create': { clientId: 1, issueDate: '2025-03-01', dueDate: '2025-03-31', documentType: 'TD01', notes: 'n', lines: [{ description: 'Consulenza', quantity: 1, unitPriceCents: 10000, vatRate: 22 }] },
  'payments:record': { invoiceId: 1, amountCents: 1000, paidDate: '2025-04-01', method: 'bonifico', reference: 'CRO 1' },
  'clients:list': { search: 'a', limit: 10, offset: 0 },
  'products:list': { search: 'a', limit: 10, offset: 0 },
  'assistant:ask': { question: 'Quali fatture ho creato oggi?', sessionId: 's1', language: 'it' },
  'conversations:list': { limit: 10, offset: 0 },
  'conversations:get': { id: 's1' },
  'conversations:delete': { id: 's1' },
  'feedback:submit': { agentType: 'chat', userInput: 'q', aiResponse: 'a', userCorrection: 'c', rating: 3, thumb: 'down', comment: 'x', sessionId: 's', messageId: 'm', context: {} },
  'feedback:submitPrediction': { modelName: 'cash_flow', modelVersion: '1.0.0', entityType: 'invoice', entityId: 1, prediction: { days: 30 }, actualOutcome: { days: 40 }, wasAccurate: false },
  'feedback:stats': { days: 30 },
  'feedback:list': { agentType: 'chat', thumb: 'up', minRating: 1, hasCorrection: true, search: 'x', days: 30, limit: 10, offset: 0 },
  'feedback:export': { format: 'jsonl', since: '2025-01-01' },
  'feedback:cleanup': { olderThanDays: 180, force: false },
  'forecast:get': { days: 30, clientId: 1 },
  'models:status': {},
  'models:versions': { model: 'cash_flow' },
  'models:runs': { model: 'cash_flow', limit: 10 },
  'models:retrain': { model: 'cash_flow', dryRun: true },
  'models:rollback': { model: 'cash_flow', version: '1.0.0' },
  'models:unpin': { model: 'cash_flow' },
  'models:cancel-retrain': { model: 'cash_flow' },
  'index:status': {},
  'index:pending': { limit: 10 },
  'index:batches': { limit: 10 },
  'index:pause': {},
  'index:resume': {},
  'index:reindex': { entityTypes: ['invoice'] },
  'index:search': { query: 'Rossi', k: 5 },
  'settings:get': {},
  'settings:set': { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: 20 },
  'settings:reset': { key: 'RAG_AUTO_UPDATE_BATCH_SIZE' },
  'status:get': {},
  'ops:backup': { output: '/no-such-folder/openfatture-backup.tar.gz' },
  'ops:listBackups': {},
  'ops:restore': { file: '/no-such-folder/openfatture-backup.tar.gz' },
  'ops:chooseBackupFile': {},
  'ops:chooseRestoreFile': {},
  'import:begin': {},
  'import:upload': { sessionId: '0123456789abcdef0123456789abcdef', name: 'fattura.xml', offset: 0, data: 'PGEvPg==' },
  'import:discard': { sessionId: '0123456789abcdef0123456789abcdef' },
  'import:firm': {},
  'import:setFirm': { name: 'Rossi Srl', partitaIva: '01234567897' },
  'import:csvPreview': { sessionId: '0123456789abcdef0123456789abcdef', file: 'storico.csv' },
  'import:analyze': { sessionId: '0123456789abcdef0123456789abcdef', kind: 'csv', file: 'storico.csv', csv: { map: { total: 'Importo' }, dateFormat: 'D/M/YYYY' } },
  'import:run': { sessionId: '0123456789abcdef0123456789abcdef', kind: 'fatturapa' },
  'import:classify': { sessionId: '0123456789abcdef0123456789abcdef' },
  'import:statement': { sessionId: '0123456789abcdef0123456789abcdef', file: 'marzo.csv', dryRun: true, csv: { account: 'IT60X0542811101000000123456', map: { amount: 'Importo' }, dateFormat: 'D/M/YYYY' } },
  'bank:list': { status: 'open', limit: 10, offset: 0 },
  'bank:confirm': { entryId: 1, invoiceIds: [1, 2] },
  'bank:reject': { entryId: 1 },
  'bank:undo': { entryId: 1 },
  'bank:openInvoices': { search: 'Rossi' },
  'setup:status': {},
  'setup:loadDemo': {},
};

/** Every malformed variant of a channel's arguments, each naming the field its error must mention. */
export function probesFor(channel: Channel): Probe[] {
  const base = EXAMPLE_ARGS[channel] as Record<string, unknown>;
  const probes: Probe[] = [
    { name: 'null', args: null, field: 'args' },
    { name: 'number', args: 42, field: 'args' },
    { name: 'string', args: 'hello', field: 'args' },
    { name: 'array', args: [1, 2, 3], field: 'args' },
    { name: 'unknown key', args: { ...base, thisKeyDoesNotExist: 1 }, field: 'thisKeyDoesNotExist' },
  ];
  const obj = unwrap(channels[channel].args);
  if (!(obj instanceof z.ZodObject)) return probes;
  const shape = obj.shape as Record<string, z.ZodTypeAny>;
  for (const [key, field] of Object.entries(shape)) {
    wrongValues(field).forEach((v, i) => probes.push({ name: `${key} wrong #${i + 1}`, args: { ...base, [key]: v }, field: key }));
    if (!field.isOptional()) {
      const { [key]: _dropped, ...rest } = base;
      probes.push({ name: `${key} missing`, args: rest, field: key });
    }
  }
  return probes;
}
