// The models channels carry retraining texts in structured form (code + params) next to their English
// text, checked by the contract: a failed retrain's error, trigger details, run notes; rows written
// before the structured form, or holding a code or params the contract does not know, keep the
// English text and no structured form, so the renderer falls back to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownRetrainingMessage } from '../../src-shared/retraining-message';
import { openTestRouter, type TestRouter } from './testing/test-router';

let t: TestRouter;
const call: TestRouter['call'] = (channel, args) => t.call(channel, args);

beforeAll(async () => {
  t = await openTestRouter('of-models-msg-');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('models channels: structured retraining texts', () => {
  it('gives every trigger its detail as a known code with its figures', async () => {
    const { models } = await call('models:status', {});
    const triggers = models[0]!.triggers;
    expect(triggers.map((t) => t.message?.code)).toEqual(['trigger-outcomes-since-evaluation', 'trigger-no-active-model']);
    expect(triggers[0]!.message).toEqual({ code: 'trigger-outcomes-since-evaluation', params: { count: 0, threshold: 25, since: null } });
    expect(triggers[0]!.label).toBe('0 new outcome(s) since the start (threshold 25)');
    for (const t of triggers) expect(knownRetrainingMessage(t.message!)).not.toBeNull();
  });

  it('records a failed retrain’s error in structured form next to its English text', async () => {
    const r = await t.router.invoke('models:retrain', { model: 'cash_flow' });
    // The call's own error carries the structured form too (the Forecast and Models pages word it).
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'INSUFFICIENT_DATA', message: 'insufficient data (needs ≥25 paid invoices, found 0)', messages: [{ code: 'insufficient-data', params: { needed: 25, found: 0 } }] },
    });
    // Errors without a structured form stay as they were.
    const bad = await t.router.invoke('models:retrain', { model: 'nope' } as never);
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.ok ? {} : bad.error).sort()).toEqual(['code', 'message']);
    const { items } = await call('models:runs', { model: 'cash_flow' });
    expect(items[0]).toMatchObject({
      kind: 'retrain',
      outcome: 'failed',
      error: 'insufficient data (needs ≥25 paid invoices, found 0)',
      errorMessages: [{ code: 'insufficient-data', params: { needed: 25, found: 0, model: 'cash_flow', label: 'paid invoices' } }],
      notesMessages: [],
    });
  });

  it('sends old rows and rows it cannot vouch for with their English text only', async () => {
    const insert = t.app.database.sqlite.prepare(
      "INSERT INTO retraining_runs (model_name, kind, fired, reasons, outcome, notes, notes_messages) VALUES ('cash_flow', 'rollback', 0, '[]', 'rolled-back', ?, ?)",
    );
    insert.run('manual rollback (old row)', null);
    insert.run('from a newer version', JSON.stringify([{ code: 'some-new-code', params: { x: 1 } }]));
    insert.run('broken', '{not json');
    insert.run('wrong shape', JSON.stringify([{ code: 'manual-rollback', params: { nested: { a: 1 } } }]));
    insert.run('manual rollback', JSON.stringify([{ code: 'manual-rollback', params: {} }]));
    const { items } = await call('models:runs', { model: 'cash_flow' });
    const byNotes = Object.fromEntries(items.map((r) => [r.notes, r.notesMessages]));
    expect(byNotes['manual rollback (old row)']).toBeNull();
    // An unknown code passes the contract (the renderer falls back on it), malformed data does not.
    expect(byNotes['from a newer version']).toEqual([{ code: 'some-new-code', params: { x: 1 } }]);
    expect(knownRetrainingMessage(byNotes['from a newer version']![0]!)).toBeNull();
    expect(byNotes['broken']).toBeNull();
    expect(byNotes['wrong shape']).toBeNull();
    expect(byNotes['manual rollback']).toEqual([{ code: 'manual-rollback', params: {} }]);
  });

  it('gives the model card the last automatic fall-back as from/to versions and the technical error', async () => {
    t.app.database.sqlite
      .prepare(
        "INSERT INTO retraining_runs (model_name, kind, fired, reasons, outcome, active_version, candidate_version, notes, error) VALUES ('cash_flow', 'rollback', 0, '[]', 'rolled-back', '1.1.0', '1.0.0', 'automatic fall-back: 1.1.0 artifact corrupt', 'checksum mismatch for cash_flow/1.1.0.json')",
      )
      .run();
    const card = (await call('models:status', {})).models.find((m) => m.name === 'cash_flow')!;
    expect(card.fallback).toEqual({ from: '1.1.0', to: '1.0.0', error: 'checksum mismatch for cash_flow/1.1.0.json' });
  });
});
