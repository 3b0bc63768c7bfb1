// A page that sends the same create or payment again (its first answer was lost: the app stopped
// after the commit, the connection dropped) with the same request key gets what the first request
// made, and nothing is written twice; the same key with other values is refused and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRouter, type TestRouter } from './testing/test-router';

let t: TestRouter;
let clientId: number;
let keyed: { label: string };
const KEY = 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff';
const lines = [{ description: 'Consulenza', quantity: 1, unitPriceCents: 100_000, vatRate: 22 }];
const count = (table: string) => (t.app.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeAll(async () => {
  t = await openTestRouter('of-request-keys-');
  clientId = t.app.clients.create({ denominazione: 'Rossi Srl' }).id;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('request keys', () => {
  it('a repeated invoices:create returns the first invoice; without a key every call makes one', async () => {
    const first = await t.call('invoices:create', { clientId, lines, requestKey: KEY });
    const again = await t.call('invoices:create', { clientId, lines, requestKey: KEY });
    expect(again).toEqual(first);
    expect(count('invoices')).toBe(1);
    keyed = first;
    await t.call('invoices:create', { clientId, lines });
    expect(count('invoices')).toBe(2);
  });

  it('the same key with other values is refused, naming the invoice it already made, and writes nothing', async () => {
    const r = await t.router.invoke('invoices:create', { clientId, lines: [{ ...lines[0]!, quantity: 2 }], requestKey: KEY });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!r.ok) expect(r.error.message).toContain(`already saved as invoice ${keyed.label}`);
    expect(count('invoices')).toBe(2);
    const bad = await t.router.invoke('invoices:create', { clientId, lines, requestKey: 'short' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!bad.ok) expect(bad.error.message).toContain('requestKey');
  });

  it('a repeated partial payment is recorded once; the answer repeats what was applied', async () => {
    const inv = await t.call('invoices:create', { clientId, lines, requestKey: 'pay-test-invoice-0001' });
    const args = { invoiceId: inv.id, amountCents: 50_000, paidDate: inv.issueDate, requestKey: 'pay-test-payment-0001' };
    const first = await t.call('payments:record', args);
    const again = await t.call('payments:record', args);
    expect(first).toMatchObject({ appliedCents: 50_000, invoice: { status: 'partially_paid', paidCents: 50_000 } });
    expect(again).toEqual(first);
    const paid = (await t.call('invoices:list', {})).items.find((i) => i.id === inv.id)!;
    expect(paid.paidCents).toBe(50_000);
    // A new key is a new payment.
    await t.call('payments:record', { ...args, requestKey: 'pay-test-payment-0002' });
    expect((await t.call('invoices:list', {})).items.find((i) => i.id === inv.id)!.paidCents).toBe(100_000);
  });

  it('a key used for an invoice cannot record a payment', async () => {
    const inv = (await t.call('invoices:list', {})).items[0]!;
    const r = await t.router.invoke('payments:record', { invoiceId: inv.id, amountCents: 1, paidDate: inv.issueDate, requestKey: KEY });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!r.ok) expect(r.error.message).toContain('another kind of request');
  });
});
