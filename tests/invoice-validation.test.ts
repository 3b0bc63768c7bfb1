// The contract's invoices:create arguments and the domain's validation accept and refuse the same
// invoices (the form is held to the same table in src-renderer/stores/invoice-validation.test.ts).
import { describe, expect, it } from 'vitest';
import { invoiceInputSchema } from '../src-main/core/domain/invoice-service';
import { CreateInvoiceArgs } from '../src-preload/contract/data-channels';
import { argsOf, INVOICE_CASES } from '../src-shared/testing/invoice-cases';

describe('invoice validation: contract and domain', () => {
  for (const c of INVOICE_CASES) {
    it(`${c.valid ? 'accept' : 'refuse'} ${c.name}`, () => {
      const args = argsOf(c);
      expect({ contract: CreateInvoiceArgs.safeParse(args).success, domain: invoiceInputSchema.safeParse(args).success }).toEqual({ contract: c.valid, domain: c.valid });
    });
  }
});
