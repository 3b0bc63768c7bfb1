// The stores' pure logic: form validation, feedback prompt rules, setting pre-checks, figures shown
// on the dashboards. The actions that call main are exercised end to end through the browser host.
import { describe, expect, it } from 'vitest';
import type { AssistantAnswer } from '../../src-preload/contract/assistant-channels';
import type { IndexBatch } from '../../src-preload/contract/index-channels';
import { conversationFromHash, conversationMessages, feedbackArgs, initialFeedback, promptDrawsAttention, savedFeedbackState } from './chat-store';
import { draftTotals, emptyLine, validateInvoiceDraft, validatePaymentDraft, type InvoiceDraft } from './data-store';
import { emptyFilter, listArgs } from './feedback-store';
import { chartRows, cumulativeAxisTop, recordedOutcome, roundAxis, rowsWithOutcomes, sortInvoices } from './forecast-store';
import { mergeBatch, queueTone } from './index-store';
import { calibrationSeries, metricSeries, triggerFigures } from './models-store';
import { checkDraft, groupSettings } from './settings-store';
import { pageFromHash, resolveTheme } from './ui-store';

const draft = (patch: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
  clientId: '3',
  issueDate: '2025-03-01',
  dueDate: '',
  documentType: 'TD01',
  notes: '',
  lines: [{ description: 'Consulenza', quantity: '2', unitPrice: '1.000,00', vatRate: '22' }],
  ...patch,
});

describe('invoice draft', () => {
  it('turns a valid draft into invoices:create arguments in cents', () => {
    const { errors, args } = validateInvoiceDraft(draft());
    expect(errors).toEqual({});
    expect(args).toEqual({ clientId: 3, issueDate: '2025-03-01', documentType: 'TD01', lines: [{ description: 'Consulenza', quantity: 2, unitPriceCents: 100000, vatRate: 22 }] });
  });

  it('names every bad field and builds nothing', () => {
    const { errors, args } = validateInvoiceDraft(
      draft({ clientId: '', dueDate: '2025-02-01', lines: [{ description: ' ', quantity: '0', unitPrice: '12,345', vatRate: '122' }, { ...emptyLine(), description: 'x', unitPrice: '' }] }),
    );
    expect(args).toBeNull();
    expect(errors).toEqual({
      clientId: 'data.err.client',
      dueDate: 'data.err.dueBeforeIssue',
      'lines.0.description': 'data.err.description',
      'lines.0.quantity': 'data.err.quantity',
      'lines.0.unitPrice': 'data.err.price',
      'lines.0.vatRate': 'data.err.vat',
      'lines.1.unitPrice': 'data.err.priceEmpty',
    });
    expect(validateInvoiceDraft(draft({ lines: [] })).errors.lines).toBe('data.err.noLines');
    expect(validateInvoiceDraft(draft({ issueDate: '2025-02-30' })).errors.issueDate).toBe('data.err.date');
  });

  it('keeps live totals while lines are still being typed', () => {
    const t = draftTotals([{ description: 'a', quantity: '2', unitPrice: '10', vatRate: '22' }, { description: 'b', quantity: '1', unitPrice: 'abc', vatRate: '22' }]);
    expect(t).toMatchObject({ net: 2000, vat: 440, total: 2440 });
    expect(t.perLine[1]).toEqual({ net: 0, vat: 0, total: 0 });
  });

  it('refuses payments above the outstanding amount or without a date', () => {
    const inv = { id: 7, outstandingCents: 10000, issueDate: '2025-02-01' };
    const today = '2025-03-15';
    expect(validatePaymentDraft(inv, { amount: '100', paidDate: '2025-03-10', method: 'bonifico', reference: ' CRO 123 ' }, today).args).toEqual({ invoiceId: 7, amountCents: 10000, paidDate: '2025-03-10', method: 'bonifico', reference: 'CRO 123' });
    expect(validatePaymentDraft(inv, { amount: '100,01', paidDate: '2025-03-10', method: '', reference: '' }, today).errors).toEqual({ amount: 'data.err.amountTooHigh' });
    expect(validatePaymentDraft(inv, { amount: '0', paidDate: 'x', method: '', reference: '' }, today).errors).toEqual({ amount: 'data.err.amountPositive', paidDate: 'data.err.date' });
    // Today is accepted; tomorrow, years ahead and before the issue date are not.
    expect(validatePaymentDraft(inv, { amount: '100', paidDate: today, method: '', reference: '' }, today).args?.paidDate).toBe(today);
    expect(validatePaymentDraft(inv, { amount: '100', paidDate: '2025-03-16', method: '', reference: '' }, today)).toEqual({ errors: { paidDate: 'data.err.paidInFuture' }, args: null });
    expect(validatePaymentDraft(inv, { amount: '100', paidDate: '2031-01-01', method: '', reference: '' }, today).errors).toEqual({ paidDate: 'data.err.paidInFuture' });
    expect(validatePaymentDraft(inv, { amount: '100', paidDate: '2025-01-31', method: '', reference: '' }, today).errors).toEqual({ paidDate: 'data.err.paidBeforeIssue' });
  });
});

const answer: AssistantAnswer = {
  sessionId: 's1',
  messageId: 'm1',
  question: 'Fatture di oggi?',
  answer: 'Una fattura: 12/2025',
  intent: 'today',
  sources: [{ entityType: 'invoice', entityId: 12, title: 'Fattura 12/2025', snippet: null }],
  learnedFrom: [],
  notes: [],
  applied: null,
  actions: [],
  language: 'it',
  provider: 'builtin',
  model: 'templates',
  feedbackEnabled: true,
  promptTimeoutSeconds: 3,
};

describe('assistant feedback prompt', () => {
  it('draws attention for the prompt timeout only, and stops once feedback is given', () => {
    const msg = { receivedAt: 1000, answer, feedback: initialFeedback() };
    expect(promptDrawsAttention(msg, 1000)).toBe(true);
    expect(promptDrawsAttention(msg, 3999)).toBe(true);
    expect(promptDrawsAttention(msg, 4000)).toBe(false);
    expect(promptDrawsAttention({ ...msg, feedback: { ...initialFeedback(), sent: { thumb: true, rating: false, correction: false, ids: [1] } } }, 1500)).toBe(false);
    expect(promptDrawsAttention({ ...msg, answer: { ...answer, feedbackEnabled: false } }, 1500)).toBe(false);
    expect(promptDrawsAttention({ ...msg, answer: { ...answer, promptTimeoutSeconds: 0 } }, 1000)).toBe(false);
  });

  it('sends only what was not sent yet, with the answer and its sources as context', () => {
    const f = { ...initialFeedback(), thumb: 'down' as const, rating: 2, correction: '  Sono due fatture  ' };
    expect(feedbackArgs(answer, f, true)).toEqual({
      agentType: 'chat',
      sessionId: 's1',
      messageId: 'm1',
      userInput: 'Fatture di oggi?',
      aiResponse: 'Una fattura: 12/2025',
      thumb: 'down',
      rating: 2,
      userCorrection: 'Sono due fatture',
      context: { intent: 'today', provider: 'builtin', sources: [{ entityType: 'invoice', entityId: 12, title: 'Fattura 12/2025' }], learnedFrom: [] },
    });
    const afterThumb = { ...f, sent: { thumb: true, rating: true, correction: false, ids: [4] } };
    expect(feedbackArgs(answer, afterThumb, false)).toBeNull();
    expect(feedbackArgs(answer, afterThumb, true)).toMatchObject({ userCorrection: 'Sono due fatture' });
    expect(feedbackArgs(answer, afterThumb, true)).not.toHaveProperty('thumb');
  });
});

describe('stored conversations', () => {
  it('reopens an answer with the feedback already given, so the prompt does not ask again', () => {
    const saved = { thumb: 'down' as const, rating: null, correction: 'Sono due fatture', ids: [7, 8] };
    const [question, reply] = conversationMessages([{ answer, feedback: saved }]);
    expect(question).toEqual({ id: 'm1-q', role: 'user', text: 'Fatture di oggi?' });
    if (reply?.role !== 'assistant') throw new Error('expected the answer');
    expect(reply.feedback.sent).toEqual({ thumb: true, rating: false, correction: true, ids: [7, 8] });
    expect(promptDrawsAttention(reply, Date.now())).toBe(false);
    // Only what was not sent can still be sent: a rating, here.
    expect(feedbackArgs(answer, { ...reply.feedback, rating: 4 }, false)).toMatchObject({ rating: 4 });
    expect(feedbackArgs(answer, { ...reply.feedback, rating: 4 }, false)).not.toHaveProperty('thumb');
    expect(savedFeedbackState({ thumb: null, rating: null, correction: null, ids: [] })).toEqual(initialFeedback());
  });

  it('reads the conversation a reload should reopen from the address', () => {
    expect(conversationFromHash('#/assistant/0b5c-11')).toBe('0b5c-11');
    expect(conversationFromHash('#/assistant')).toBeNull();
    expect(conversationFromHash('#/models/x')).toBeNull();
  });
});

describe('settings pre-check', () => {
  const int = { kind: 'int' as const, min: 1, max: 10_000 };
  it('accepts values in range and explains the rest', () => {
    expect(checkDraft(int, '50')).toEqual({ ok: true, value: 50 });
    expect(checkDraft(int, 'abc')).toEqual({ ok: false, reason: 'number' });
    expect(checkDraft(int, '2.5')).toEqual({ ok: false, reason: 'integer' });
    expect(checkDraft(int, '0')).toEqual({ ok: false, reason: 'min' });
    expect(checkDraft(int, '10001')).toEqual({ ok: false, reason: 'max' });
    expect(checkDraft({ kind: 'float', min: 0, max: 1 }, '0,15')).toEqual({ ok: true, value: 0.15 });
    expect(checkDraft({ kind: 'enum', values: ['it', 'en'] }, 'fr')).toEqual({ ok: false, reason: 'enum' });
    expect(checkDraft({ kind: 'bool' }, true)).toEqual({ ok: true, value: true });
    expect(checkDraft({ kind: 'string' }, 'x'.repeat(5000))).toEqual({ ok: false, reason: 'length' });
  });

  it('groups settings in the panel order', () => {
    const s = (key: string, group: 'general' | 'rag') => ({ key, group }) as Parameters<typeof groupSettings>[0][number];
    const g = groupSettings([s('A', 'rag'), s('B', 'general'), s('C', 'rag')]);
    expect(g.rag.map((x) => x.key)).toEqual(['A', 'C']);
    expect(g.general.map((x) => x.key)).toEqual(['B']);
    expect(g.feedback).toEqual([]);
  });
});

describe('dashboards', () => {
  const fmt = (n: number, d: number) => n.toFixed(d).replace(/\.0+$/, '');
  it('shows triggers as current/threshold in their unit', () => {
    expect(triggerFigures({ current: 18, threshold: 25, unit: 'count' }, fmt)).toEqual({ current: '18', threshold: '25', ratio: 0.72 });
    expect(triggerFigures({ current: 0.04, threshold: 0.1, unit: 'ratio' }, fmt)).toMatchObject({ current: '4%', threshold: '10%' });
    expect(triggerFigures({ current: null, threshold: 7, unit: 'days' }, fmt)).toEqual({ current: '—', threshold: '7', ratio: 0 });
    expect(triggerFigures({ current: 30, threshold: 7, unit: 'days' }, fmt).ratio).toBe(1);
  });

  it('orders versions for the metric chart oldest first', () => {
    const v = (version: string, createdAt: string, mae: number | null, status: 'active' | 'retired' = 'retired') => ({ version, createdAt, status, metrics: { mae }, deployedAt: null, trainingRows: 1, trainingCutoff: null, triggerReasons: [], parentVersion: null, dryRun: false, notes: null, notesMessages: null, pinnedAt: null });
    const series = metricSeries([v('1.10.0', '2025-03-02', 9, 'active'), v('1.2.0', '2025-03-01', 11), v('1.9.0', '2025-03-01', null)], 'mae');
    expect(series).toEqual([
      { version: '1.2.0', value: 11, active: false },
      { version: '1.9.0', value: null, active: false },
      { version: '1.10.0', value: 9, active: true },
    ]);
  });

  it('keeps recent batches newest first without duplicates', () => {
    const b = (id: number) => ({ id }) as IndexBatch;
    expect(mergeBatch([b(2), b(1)], b(3)).map((x) => x.id)).toEqual([3, 2, 1]);
    expect(mergeBatch([b(3), b(2)], b(3)).map((x) => x.id)).toEqual([3, 2]);
    expect(mergeBatch([b(2), b(1)], b(3), 2).map((x) => x.id)).toEqual([3, 2]);
    expect([queueTone(10, 1000), queueTone(800, 1000), queueTone(1200, 1000)]).toEqual(['ok', 'warn', 'bad']);
  });

  it('orders open invoices by late risk (then amount) or by predicted date', () => {
    const inv = (invoiceId: number, predictedDate: string, lateProbability: number, outstandingCents: number) =>
      ({ invoiceId, label: `${invoiceId}/2025`, clientId: 1, clientName: 'Rossi', issueDate: '2025-01-01', dueDate: '2025-02-01', predictedDate, p10Date: null, p90Date: null, outstandingCents, predictedLateDays: 0, lateProbability, likelyLate: lateProbability >= 0.5 });
    const list = [inv(1, '2025-03-10', 0.2, 100), inv(2, '2025-03-01', 0.9, 100), inv(3, '2025-03-05', 0.9, 500)];
    expect(sortInvoices(list, 'late').map((i) => i.invoiceId)).toEqual([3, 2, 1]);
    expect(sortInvoices(list, 'date').map((i) => i.invoiceId)).toEqual([2, 3, 1]);
    expect(list.map((i) => i.invoiceId)).toEqual([1, 2, 3]);
  });

  it('plots nominal against observed interval coverage in percent, with the ideal diagonal', () => {
    expect(calibrationSeries([{ nominal: 0.8, observed: 0.8234, meanWidth: 14 }, { nominal: 0.5, observed: null, meanWidth: null }])).toEqual([
      { nominal: 50, observed: null, ideal: 50 },
      { nominal: 80, observed: 82.3, ideal: 80 },
    ]);
  });

  it('draws the P10–P90 band as a range around the cumulative line, low first, under the axis top', () => {
    // Week 1: the early scenario brings 2.000 € in, the late one nothing; week 2 the other way round.
    const rows = chartRows({
      weeks: [
        { weekStart: '2025-03-03', expectedCents: 150050, p10Cents: 200000, p90Cents: 0, cumulativeCents: 150050 },
        { weekStart: '2025-03-10', expectedCents: 49950, p10Cents: 0, p90Cents: 200000, cumulativeCents: 200000 },
      ],
    });
    expect(rows).toEqual([
      { week: '2025-03-03', expected: 1500.5, cumulative: 1500.5, band: [0, 2000] },
      { week: '2025-03-10', expected: 499.5, cumulative: 2000, band: [2000, 2000] },
    ]);
    for (const r of rows) {
      expect(r.band[0]).toBeLessThanOrEqual(r.band[1]);
      expect(r.cumulative).toBeGreaterThanOrEqual(r.band[0]);
      expect(r.cumulative).toBeLessThanOrEqual(r.band[1]);
      expect(r.band[1]).toBeLessThanOrEqual(cumulativeAxisTop(rows));
    }
  });

  it('sizes each chart axis to a round top with even ticks, so the top label never crowds the one below', () => {
    expect(roundAxis(6900)).toEqual({ top: 8000, ticks: [0, 2000, 4000, 6000, 8000] });
    expect(roundAxis(16100)).toEqual({ top: 20000, ticks: [0, 5000, 10000, 15000, 20000] });
    expect(roundAxis(8000)).toEqual({ top: 8000, ticks: [0, 2000, 4000, 6000, 8000] });
    expect(roundAxis(9.5).ticks).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(roundAxis(0)).toEqual({ top: 1, ticks: [0, 1] });
    for (const top of [1, 7, 99, 1234.5, 206898.08, 13070132.3]) {
      const a = roundAxis(top);
      expect(a.top).toBeGreaterThanOrEqual(top);
      expect(a.top).toBeLessThan(top * 2.6);
      const gaps = a.ticks.slice(1).map((v, i) => v - a.ticks[i]!);
      expect(new Set(gaps.map((g) => g.toPrecision(6))).size).toBe(1);
      expect(a.ticks.length).toBeLessThanOrEqual(5);
    }
  });

  it('a payment recorded from the forecast keeps its row with the outcome against the prediction', () => {
    const inv = { invoiceId: 9, label: '9/2025', clientId: 1, clientName: 'Rossi', issueDate: '2025-02-01', dueDate: '2025-03-03', predictedDate: '2025-03-10', p10Date: null, p90Date: null, outstandingCents: 50000, predictedLateDays: 7, lateProbability: 0.7, likelyLate: true };
    const late = recordedOutcome(inv, '2025-03-13', 50000, 0);
    expect(late).toMatchObject({ fullyPaid: true, daysFromPrediction: 3 });
    expect(recordedOutcome(inv, '2025-03-08', 20000, 30000)).toMatchObject({ fullyPaid: false, daysFromPrediction: -2 });
    const other = { ...inv, invoiceId: 10, label: '10/2025' };
    // Paid in full, the invoice left the open list: its row stays, once, after the open ones.
    expect(rowsWithOutcomes([other], { 9: late }).map((i) => i.invoiceId)).toEqual([10, 9]);
    expect(rowsWithOutcomes([other, inv], { 9: late }).map((i) => i.invoiceId)).toEqual([10, 9]);
  });

  it('sends only the feedback filters the user set', () => {
    expect(listArgs(emptyFilter(), 25, 0)).toEqual({ limit: 25, offset: 0 });
    expect(listArgs({ ...emptyFilter(), thumb: 'down', hasCorrection: 'no', minRating: 3, search: '  iva ' }, 25, 50)).toEqual({ limit: 25, offset: 50, thumb: 'down', hasCorrection: false, minRating: 3, search: 'iva' });
  });
});

describe('shell', () => {
  it('lands on the page named in the URL hash', () => {
    expect(pageFromHash('#/models')).toBe('models');
    expect(pageFromHash('#/settings?x=1')).toBe('settings');
    expect(pageFromHash('#/nope')).toBe('home');
    expect(pageFromHash('')).toBe('home');
  });
  it('follows the system theme only when asked to', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });
});
