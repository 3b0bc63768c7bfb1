// The first-run checklist's channels on a real, empty data folder: the counts start at zero, the demo
// data fills it with enough paid invoices to train the first model, and a second load is refused
// without writing anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRouter, type TestRouter } from './testing/test-router';

let t: TestRouter;
const call: TestRouter['call'] = (channel, args) => t.call(channel, args);

beforeAll(async () => {
  t = await openTestRouter('of-setup-', 'serve');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('first run', () => {
  it('an empty folder has nothing to train on; the demo data brings enough paid invoices; a second load is refused', async () => {
    const empty = await call('setup:status', {});
    expect(empty).toMatchObject({ invoices: 0, paidInvoices: 0 });
    expect(empty.minPaidToTrain).toBeGreaterThan(0);

    const loaded = await call('setup:loadDemo', {});
    expect(loaded.invoices).toBeGreaterThan(0);
    expect(loaded.paid).toBeGreaterThanOrEqual(empty.minPaidToTrain);
    expect(loaded.firstIssueDate! < loaded.lastIssueDate!).toBe(true);

    const after = await call('setup:status', {});
    expect(after.invoices).toBe(loaded.invoices);
    expect(after.paidInvoices).toBe(loaded.paid);
    expect((await call('invoices:list', { limit: 1 })).total).toBe(loaded.invoices);

    const again = await t.router.invoke('setup:loadDemo', {});
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_EMPTY' } });
    if (!again.ok) expect(again.error.message).toContain(`already has ${loaded.invoices} invoices`);
    expect((await call('setup:status', {})).invoices).toBe(loaded.invoices);
  });
});
