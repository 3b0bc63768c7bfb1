import { describe, expect, it } from 'vitest';
import { firstRunSteps, type FirstRunFacts } from './setup-store';

const fresh: FirstRunFacts = {
  setup: { invoices: 0, paidInvoices: 0, minPaidToTrain: 25 },
  autoUpdateOn: false,
  autoUpdateLocked: false,
  index: { documents: { invoice: 0, client: 0, product: 0 }, pending: 0 },
  activeModelVersion: null,
};

const byId = (f: FirstRunFacts) => Object.fromEntries(firstRunSteps(f).map((s) => [s.id, s]));

describe('first-run checklist', () => {
  it('on an empty folder nothing is done, and the index and model steps say they need data first', () => {
    const s = byId(fresh);
    expect(Object.values(s).map((x) => x.done)).toEqual([false, false, false, false]);
    expect(s.data!.blocked).toBeNull();
    expect(s.autoUpdate!.blocked).toBeNull();
    expect(s.index!.blocked?.reason).toBe('firstRun.needData');
    expect(s.model!.blocked?.reason).toBe('firstRun.needData');
  });

  it('with data but too few paid invoices the model step gives both figures', () => {
    const s = byId({ ...fresh, setup: { invoices: 40, paidInvoices: 12, minPaidToTrain: 25 } });
    expect(s.data!.done).toBe(true);
    expect(s.index!.blocked).toBeNull();
    expect(s.model!.blocked).toEqual({ reason: 'firstRun.needPaid', vars: { min: 25, count: 12 } });
  });

  it('the index is built only when it holds documents and nothing is waiting', () => {
    const withData = { ...fresh, setup: { invoices: 600, paidInvoices: 480, minPaidToTrain: 25 } };
    expect(byId({ ...withData, index: { documents: { invoice: 300, client: 24, product: 0 }, pending: 276 } }).index!.done).toBe(false);
    expect(byId({ ...withData, index: { documents: { invoice: 600, client: 24, product: 0 }, pending: 0 } }).index!.done).toBe(true);
  });

  it('everything done once data, updates, index and a model are there', () => {
    const all = firstRunSteps({ setup: { invoices: 600, paidInvoices: 480, minPaidToTrain: 25 }, autoUpdateOn: true, autoUpdateLocked: false, index: { documents: { invoice: 600, client: 24, product: 0 }, pending: 0 }, activeModelVersion: '1.0.0' });
    expect(all.every((s) => s.done && s.blocked === null)).toBe(true);
  });

  it('a switch fixed off by the environment says so instead of offering a dead toggle', () => {
    expect(byId({ ...fresh, autoUpdateLocked: true }).autoUpdate!.blocked?.reason).toBe('firstRun.lockedOff');
    expect(byId({ ...fresh, autoUpdateLocked: true, autoUpdateOn: true }).autoUpdate!.blocked).toBeNull();
  });
});
