// Next invoice number per year (`MAX(number) WHERE year = ?`) needs an index led by year: the
// UNIQUE(number, year) index cannot serve it, which made numbering (and imports without numbers)
// scan every invoice.
import type { Migration } from './types';

export const migration0004: Migration = {
  id: 4,
  name: '0004-invoice-year-index',
  up(db) {
    db.exec('CREATE INDEX IF NOT EXISTS invoices_year_number ON invoices(year, number)');
  },
};
