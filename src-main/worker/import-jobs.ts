// Worker jobs of the imports: reading FatturaPA files (CPU-bound XML and ASN.1 work).
import '../core/import/fatturapa-jobs';
import { readInvoiceFile } from '../core/fatturapa/read-invoice-file';
import { registerJob } from './jobs';

registerJob('import.fatturapa.read', ({ files }) => files.map((f) => readInvoiceFile(f.name, f.bytes instanceof Uint8Array ? f.bytes : new Uint8Array(f.bytes))));
