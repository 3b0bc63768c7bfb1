// Global setup/teardown of the faults project: collects the rows written by faultCase and prints the table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultRow } from './fault-table';

export function setup(): () => void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-faults-')), 'table.jsonl');
  fs.writeFileSync(file, '');
  process.env.OPENFATTURE_FAULT_TABLE = file;
  return () => {
    const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FaultRow);
    const w = Math.max(4, ...rows.map((r) => r.case.length));
    const lines = rows.map((r) => `${r.passed ? 'PASS' : 'FAIL'}  ${r.case.padEnd(w)}  ${r.passed ? r.checked : `${r.checked}${r.error ? ` — ${r.error}` : ''}`}`);
    console.log(`\nFault-injection suite\n${'result'}  ${'case'.padEnd(w)}  data checked\n${lines.join('\n')}`);
    console.log(`${rows.filter((r) => r.passed).length} passed, ${rows.filter((r) => !r.passed).length} failed`);
  };
}
