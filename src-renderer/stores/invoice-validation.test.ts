// The invoice form accepts and refuses the same invoices as the contract (and so as the domain:
// tests/invoice-validation.test.ts holds those two to the same table).
import { describe, expect, it } from 'vitest';
import { CreateInvoiceArgs } from '../../src-preload/contract/data-channels';
import { argsOf, INVOICE_CASES } from '../../src-shared/testing/invoice-cases';
import { validateInvoiceDraft } from './data-store';

describe('invoice validation: form and contract', () => {
  for (const c of INVOICE_CASES) {
    it(`${c.valid ? 'accept' : 'refuse'} ${c.name}`, () => {
      const form = validateInvoiceDraft(c.draft);
      expect({ form: form.args !== null, contract: CreateInvoiceArgs.safeParse(argsOf(c)).success }).toEqual({ form: c.valid, contract: c.valid });
      // What the form sends is what the contract accepts.
      if (form.args) expect(CreateInvoiceArgs.safeParse(form.args).success).toBe(true);
    });
  }
});
