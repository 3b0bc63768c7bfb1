// The router bound to the real services (SQLite, worker, embedding model, auto-indexing) on a small
// demo data set: what the pages do, end to end below the UI — create and pay invoices, feedback and
// its stats/list/export, pause/resume of the auto-update queue with pushes, hybrid search, the
// assistant, and the model registry (retrain, versions, runs, rollback, forecast).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../core/app';
import { loadSettings } from '../core/config/load';
import { generateDemo } from '../core/demo/generate-demo';
import type { ChannelArgs, Channel, ChannelResult } from '../../src-preload/contract/channels';
import type { EventName } from '../../src-preload/contract/push-events';
import { createAppRouter } from './create-app-router';
import type { IpcRouter } from './ipc-router';
import { callChannel } from './testing/call-channel';
import { holdsThroughout } from '../../tests/support/wait';

const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHARED_MODELS = path.resolve(REPO_ROOT, '../shared/models');

let dir: string;
let app: App;
let router: IpcRouter;
const pushes: { event: EventName; payload: unknown }[] = [];

const call = <C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>> => callChannel(router, channel, args);

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-router-'));
  const env = {
    OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true',
    OPENFATTURE_RAG_AUTO_UPDATE_DEBOUNCE_SECONDS: '0.3',
    OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: SHARED_MODELS,
  };
  const settings = loadSettings({ env, cwd: dir, flags: { DATA_DIR: dir } });
  const seedApp = await App.open({ settings, host: 'cli', consoleLevel: 'silent' });
  generateDemo(seedApp.database.sqlite, { clients: 5, invoices: 90, seed: 7 });
  await seedApp.close();
  app = await App.open({ settings: loadSettings({ env, cwd: dir, flags: { DATA_DIR: dir } }), host: 'serve', background: true, consoleLevel: 'silent' });
  router = createAppRouter(app, { version: 't' });
  router.onEvent((event, payload) => pushes.push({ event, payload }));
}, 60_000);

afterAll(async () => {
  router?.dispose();
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('data', () => {
  it('creates an invoice, lists it by search, records a payment', async () => {
    const clients = await call('clients:list', { limit: 5 });
    expect(clients.total).toBe(5);
    const client = clients.items[0]!;
    const inv = await call('invoices:create', { clientId: client.id, lines: [{ description: 'Consulenza fiscale trimestrale', quantity: 2, unitPriceCents: 15_000, vatRate: 22 }] });
    expect(inv.totalCents).toBeGreaterThanOrEqual(36_600);
    expect(inv.clientName).toBe(client.denominazione);
    const found = await call('invoices:list', { search: inv.label });
    expect(found.items.map((i) => i.id)).toContain(inv.id);
    const paid = await call('payments:record', { invoiceId: inv.id, amountCents: inv.outstandingCents, paidDate: inv.issueDate });
    expect(paid.invoice.status).toBe('paid');
    expect(paid.appliedCents).toBe(inv.outstandingCents);
  });

  it('a payment dated after today is refused, naming the field, and the invoice stays open', async () => {
    const open = (await call('invoices:list', { status: 'issued', limit: 1 })).items[0]!;
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const r = await router.invoke('payments:record', { invoiceId: open.id, amountCents: open.outstandingCents, paidDate: tomorrow });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!r.ok) expect(r.error.message).toMatch(/^paidDate: \d{4}-\d{2}-\d{2} is after today/);
    const after = (await call('invoices:list', { search: open.label })).items.find((i) => i.id === open.id)!;
    expect(after.outstandingCents).toBe(open.outstandingCents);
  });

  it('a business-rule violation names the field and writes nothing', async () => {
    const before = (await call('invoices:list', {})).total;
    const r = await router.invoke('invoices:create', { clientId: 1, lines: [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 21 }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!r.ok) expect(r.error.message).toContain('lines.0.vatRate');
    const missing = await router.invoke('invoices:create', { clientId: 999_999, lines: [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 22 }] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await call('invoices:list', {})).total).toBe(before);
  });
});

describe('feedback', () => {
  it('a thumbs-down with a correction shows in stats, list and export', async () => {
    const stored = await call('feedback:submit', {
      agentType: 'chat',
      userInput: "What's my revenue this month?",
      aiResponse: 'Your revenue is €10,000',
      userCorrection: 'Revenue is €12,500 including pending',
      thumb: 'down',
      rating: 2,
    });
    expect(stored.id).toBeGreaterThan(0);
    const stats = await call('feedback:stats', { days: 30 });
    expect(stats.total).toBe(1);
    expect(stats.thumbsDown).toBe(1);
    expect(stats.corrections).toBe(1);
    expect(stats.weekly.reduce((s, w) => s + w.thumbsDown, 0)).toBe(1);
    // The Feedback page's "Areas to improve": the question, the answer that was corrected and the correction.
    expect(stats.topCorrectedQuestions[0]).toEqual({ question: "What's my revenue this month?", count: 1, lastAnswer: 'Your revenue is €10,000', lastCorrection: 'Revenue is €12,500 including pending' });
    const list = await call('feedback:list', { hasCorrection: true });
    expect(list.items[0]).toMatchObject({ thumb: 'down', userCorrection: 'Revenue is €12,500 including pending' });
    const csv = await call('feedback:export', { format: 'csv' });
    expect(csv.filename).toMatch(/\.csv$/);
    expect(csv.content).toContain('Revenue is €12,500 including pending');
    const chat = await call('feedback:export', { format: 'openai-chat' });
    expect(chat.count).toBe(1);
    expect(JSON.parse(chat.content.trim()).messages.at(-1).content).toBe('Revenue is €12,500 including pending');
  });
});

describe('knowledge index', () => {
  it('pause keeps changes pending; resume drains them with batch pushes', async () => {
    const paused = await call('index:pause', {});
    expect(paused.paused).toBe(true);
    const client = (await call('clients:list', { limit: 1 })).items[0]!;
    for (let i = 0; i < 3; i++) await call('invoices:create', { clientId: client.id, lines: [{ description: `Manutenzione impianto ${i}`, quantity: 1, unitPriceCents: 9_900, vatRate: 22 }] });
    await waitFor('changes pending while paused', async () => (await call('index:status', {})).pending >= 3);
    await holdsThroughout('changes stay pending while paused (debounce 0.3 s)', async () => (await call('index:status', {})).pending >= 3, 1_000);
    expect((await call('index:pending', { limit: 10 })).items.some((p) => p.entityType === 'invoice')).toBe(true);
    pushes.length = 0;
    expect((await call('index:resume', {})).paused).toBe(false);
    // The first drain also embeds the demo data and loads the model: generous on a shared machine.
    await waitFor('queue drained', async () => (await call('index:status', {})).pending === 0, 240_000);
    await waitFor('batch push', () => pushes.some((p) => p.event === 'index:batch'));
    expect(pushes.some((p) => p.event === 'index:status')).toBe(true);
    const batches = await call('index:batches', { limit: 5 });
    expect(batches.items[0]!.entities).toBeGreaterThan(0);
  }, 300_000);

  it('hybrid search finds an invoice by its number', async () => {
    const inv = (await call('invoices:list', { limit: 1 })).items[0]!;
    const r = await call('index:search', { query: inv.label, k: 5 });
    expect(r.hits.some((h) => h.entityType === 'invoice' && h.entityId === inv.id)).toBe(true);
    expect(r.vectorAvailable).toBe(true);
  });
});

describe('assistant', () => {
  it("answers today's invoices with sources and the feedback prompt settings", async () => {
    const a = await call('assistant:ask', { question: 'What invoices did I create today?' });
    expect(a.answer.length).toBeGreaterThan(0);
    expect(a.sources.some((s) => s.entityType === 'invoice')).toBe(true);
    expect(a.feedbackEnabled).toBe(true);
    expect(a.promptTimeoutSeconds).toBe(3);
  });
});

describe('models', () => {
  it('retrain creates a version, forecast serves it, rollback of an unknown version is refused', async () => {
    pushes.length = 0;
    const r = await call('models:retrain', { model: 'cash_flow' });
    expect(r.outcome).toBe('deployed');
    expect(r.activeVersion).toBe('1.0.0');
    expect(r.messages).toEqual([
      { code: 'first-model-deploy', params: expect.objectContaining({ model: 'cash_flow', baseline: 'due-date baseline' }) as object },
      { code: 'holdout-latest', params: expect.objectContaining({ unseen: null }) as object },
    ]);
    expect(r.message).toMatch(/^first model: MAE \d+\.\d\d beats the due-date baseline/);
    expect(pushes.some((p) => p.event === 'retrain:progress')).toBe(true);
    expect(pushes.find((p) => p.event === 'models:deployed')?.payload).toMatchObject({ model: 'cash_flow', version: '1.0.0', reason: 'retrain' });
    const versions = await call('models:versions', { model: 'cash_flow' });
    expect(versions.items.map((v) => [v.version, v.status])).toEqual([['1.0.0', 'active']]);
    expect(versions.items[0]!.metrics.mae).toBeGreaterThan(0);
    const status = await call('models:status', {});
    expect(status.models[0]).toMatchObject({ name: 'cash_flow', activeVersion: '1.0.0', primaryMetric: 'mae' });
    expect(status.models[0]!.triggers.length).toBeGreaterThan(0);
    const runs = await call('models:runs', { model: 'cash_flow' });
    expect(runs.items[0]).toMatchObject({ kind: 'retrain', outcome: 'deployed', candidateVersion: '1.0.0', notes: r.message, notesMessages: r.messages, errorMessages: null });
    expect(versions.items[0]!.notesMessages).toEqual(r.messages);
    const forecast = await call('forecast:get', { days: 30 });
    expect(forecast.version).toBe('1.0.0');
    expect(forecast.invoices.length).toBeGreaterThan(0);
    const bad = await router.invoke('models:rollback', { model: 'cash_flow', version: '9.9.9' });
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) expect(bad.error.message).toContain('9.9.9');
    const unknown = await router.invoke('models:versions', { model: 'no_such_model' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 120_000);
});
