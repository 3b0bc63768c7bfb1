// The assistant on a real SQLite database: every figure it answers is checked against SQL written
// independently here, in both languages, with the sources it cites.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIso } from '../dates';
import { Assistant } from './assistant';
import { createAssistantFixture, type AssistantFixture } from './assistant-fixture';
import { money } from './builtin-provider';

const TODAY = todayIso();
const MONTH_FROM = `${TODAY.slice(0, 7)}-01`;
const MONTH_TO = new Date(Date.UTC(Number(TODAY.slice(0, 4)), Number(TODAY.slice(5, 7)), 0)).toISOString().slice(0, 10);

let fx: AssistantFixture;
let assistant: Assistant;

const one = <T>(sql: string, ...params: unknown[]) => fx.database.sqlite.prepare(sql).get(...params) as T;
const all = <T>(sql: string, ...params: unknown[]) => fx.database.sqlite.prepare(sql).all(...params) as T[];

beforeAll(async () => {
  fx = await createAssistantFixture(TODAY);
  assistant = new Assistant({ connection: fx.database.sqlite, today: () => TODAY });
});
afterAll(async () => {
  await fx?.close();
});

describe('Assistant on real SQLite', () => {
  it("answers revenue this month with issued totals, credit notes netted, drafts excluded, and how much is paid", async () => {
    const expected = one<{ total: number; n: number; credit: number }>(
      `SELECT COALESCE(SUM(CASE WHEN document_type IN ('TD04','TD08') THEN -total_cents ELSE total_cents END), 0) AS total, COUNT(*) AS n,
              SUM(document_type IN ('TD04','TD08')) AS credit
       FROM invoices WHERE status NOT IN ('draft','cancelled') AND issue_date BETWEEN ? AND ?`,
      MONTH_FROM,
      MONTH_TO,
    );
    const paid = one<{ paid: number }>(
      `SELECT COALESCE(SUM(p.paid_amount_cents), 0) AS paid FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.status NOT IN ('draft','cancelled') AND i.document_type NOT IN ('TD04','TD08') AND i.issue_date BETWEEN ? AND ?`,
      MONTH_FROM,
      MONTH_TO,
    );
    const r = await assistant.ask({ question: "What's my revenue this month?" });
    expect(r.intent).toBe('revenue');
    expect(r.language).toBe('en');
    if (r.facts.intent !== 'revenue') throw new Error('wrong facts');
    expect(r.facts.period).toMatchObject({ from: MONTH_FROM, to: MONTH_TO });
    expect(r.facts.totalCents).toBe(expected.total);
    expect(r.facts.invoiceCount).toBe(expected.n);
    expect(r.facts.creditNoteCount).toBe(expected.credit);
    expect(r.facts.creditNoteCount).toBeGreaterThan(0);
    expect(r.facts.draftsExcluded).toBe(1);
    expect(r.facts.paidCents).toBe(paid.paid);
    expect(r.answer).toContain(money(expected.total, 'en'));
    expect(r.answer).toMatch(/issued invoice totals/);
    expect(r.answer).toContain(money(paid.paid, 'en'));
    expect(r.sources.filter((s) => s.entityType === 'invoice')).toHaveLength(Math.min(expected.n, 25));
    expect(r.provider).toBe('builtin');
    // Plain JSON: what the GUI receives over IPC is what we return.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('answers revenue of a named month in Italian, with cash collected in that month', async () => {
    const past = new Date(Date.UTC(Number(TODAY.slice(0, 4)), Number(TODAY.slice(5, 7)) - 3, 1));
    const monthName = new Intl.DateTimeFormat('it-IT', { month: 'long', timeZone: 'UTC' }).format(past);
    const from = past.toISOString().slice(0, 10);
    const to = new Date(Date.UTC(past.getUTCFullYear(), past.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const expected = one<{ total: number }>(
      `SELECT COALESCE(SUM(CASE WHEN document_type IN ('TD04','TD08') THEN -total_cents ELSE total_cents END), 0) AS total
       FROM invoices WHERE status NOT IN ('draft','cancelled') AND issue_date BETWEEN ? AND ?`,
      from,
      to,
    );
    const collected = one<{ c: number }>(
      `SELECT COALESCE(SUM(p.paid_amount_cents), 0) AS c FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE p.paid_date BETWEEN ? AND ? AND i.status NOT IN ('draft','cancelled')`,
      from,
      to,
    );
    const r = await assistant.ask({ question: `Quanto ho fatturato a ${monthName} ${past.getUTCFullYear()}?` });
    expect(r.language).toBe('it');
    if (r.facts.intent !== 'revenue') throw new Error(`wrong intent ${r.intent}`);
    expect(r.facts.period.from).toBe(from);
    expect(r.facts.totalCents).toBe(expected.total);
    expect(r.facts.collectedInPeriodCents).toBe(collected.c);
    expect(r.answer).toContain(`Il fatturato a ${monthName}`);
    expect(r.answer).toContain(money(expected.total, 'it'));
  });

  it("answers the average invoice amount (seed: 'Qual è l'importo medio delle fatture?')", async () => {
    const expected = one<{ avg: number; n: number; max: number }>(
      `SELECT AVG(total_cents) AS avg, COUNT(*) AS n, MAX(total_cents) AS max FROM invoices
       WHERE status NOT IN ('draft','cancelled') AND document_type NOT IN ('TD04','TD08')`,
    );
    const r = await assistant.ask({ question: "Qual è l'importo medio delle fatture?" });
    expect(r.intent).toBe('average_invoice');
    expect(r.language).toBe('it');
    if (r.facts.intent !== 'average_invoice') throw new Error('wrong facts');
    expect(r.facts.averageCents).toBe(Math.round(expected.avg));
    expect(r.facts.invoiceCount).toBe(expected.n);
    expect(r.facts.maxCents).toBe(expected.max);
    expect(r.answer).toContain(`L'importo medio delle fatture`);
    expect(r.answer).toContain(money(Math.round(expected.avg), 'it'));
  });

  it('answers overdue invoices overall and by client from the open instalments', async () => {
    const perClient = all<{ client_id: number; overdue: number; n: number }>(
      `SELECT i.client_id, SUM(p.amount_cents - p.paid_amount_cents) AS overdue, COUNT(DISTINCT i.id) AS n
       FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.status NOT IN ('draft','cancelled','paid') AND i.document_type NOT IN ('TD04','TD08')
         AND p.amount_cents > p.paid_amount_cents AND p.due_date < ?
       GROUP BY i.client_id ORDER BY overdue DESC`,
      TODAY,
    );
    expect(perClient.length).toBeGreaterThan(1);
    const r = await assistant.ask({ question: 'Which invoices are overdue?' });
    expect(r.intent).toBe('overdue');
    if (r.facts.intent !== 'overdue') throw new Error('wrong facts');
    expect(r.facts.overdueCents).toBe(perClient.reduce((s, c) => s + c.overdue, 0));
    expect(r.facts.overdueCount).toBe(perClient.reduce((s, c) => s + c.n, 0));
    expect(r.facts.byClient.map((c) => [c.clientId, c.overdueCents, c.invoiceCount])).toEqual(perClient.map((c) => [c.client_id, c.overdue, c.n]));
    expect(r.answer).toContain('By client:');
    expect(r.sources.every((s) => s.entityType === 'invoice')).toBe(true);
    expect(r.sources.length).toBe(Math.min(25, r.facts.overdueCount));

    // One client's overdue invoices, matched by a distinctive word of its name.
    const bianchi = perClient.find((c) => c.client_id === fx.clientIds.bianchi);
    const rb = await assistant.ask({ question: 'Fatture scadute di Bianchi?' });
    if (rb.facts.intent !== 'overdue') throw new Error('wrong facts');
    expect(rb.facts.client?.id).toBe(fx.clientIds.bianchi);
    expect(rb.facts.overdueCents).toBe(bianchi?.overdue ?? 0);
    expect(rb.sources[0]).toMatchObject({ entityType: 'client', entityId: fx.clientIds.bianchi });
  });

  it('answers unpaid invoices with the outstanding amount', async () => {
    const expected = one<{ open: number; n: number }>(
      `SELECT SUM(p.amount_cents - p.paid_amount_cents) AS open, COUNT(DISTINCT i.id) AS n
       FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.status NOT IN ('draft','cancelled','paid') AND i.document_type NOT IN ('TD04','TD08') AND p.amount_cents > p.paid_amount_cents`,
    );
    const r = await assistant.ask({ question: 'Quali fatture non sono pagate?' });
    if (r.facts.intent !== 'unpaid') throw new Error(`wrong intent ${r.intent}`);
    expect(r.facts.outstandingCents).toBe(expected.open);
    expect(r.facts.invoiceCount).toBe(expected.n);
    expect(r.answer).toContain(money(expected.open, 'it'));
  });

  it('ranks top clients by revenue', async () => {
    const expected = all<{ client_id: number; revenue: number }>(
      `SELECT client_id, SUM(CASE WHEN document_type IN ('TD04','TD08') THEN -total_cents ELSE total_cents END) AS revenue
       FROM invoices WHERE status NOT IN ('draft','cancelled') GROUP BY client_id ORDER BY revenue DESC LIMIT 3`,
    );
    const r = await assistant.ask({ question: 'Who are my top 3 clients?' });
    if (r.facts.intent !== 'top_clients') throw new Error(`wrong intent ${r.intent}`);
    expect(r.facts.clients.map((c) => [c.clientId, c.revenueCents])).toEqual(expected.map((e) => [e.client_id, e.revenue]));
    expect(r.sources.map((s) => s.entityId)).toEqual(expected.map((e) => e.client_id));
  });

  it("lists the invoices created today (seed: 'What invoices did I create today?')", async () => {
    const before = await assistant.ask({ question: 'What invoices did I create today?' });
    if (before.facts.intent !== 'invoices_created') throw new Error('wrong facts');
    expect(before.facts.invoices).toHaveLength(0);
    expect(before.answer).toMatch(/No invoices were created or issued/);

    const created = fx.invoices.create({ clientId: fx.clientIds.verdi, lines: [{ description: 'Audit sicurezza', quantity: 2, unitPriceCents: 45_000, vatRate: 22 }] }).invoice;
    const r = await assistant.ask({ question: 'What invoices did I create today?' });
    if (r.facts.intent !== 'invoices_created') throw new Error('wrong facts');
    expect(r.facts.invoices.map((i) => i.id)).toEqual([created.id]);
    expect(r.facts.invoices[0]!.matchedBy).toBe('both');
    expect(r.answer).toContain(`Invoice ${created.number}/${created.year} — Verdi Consulting Srl, ${money(created.total_cents, 'en')}`);
    expect(r.sources).toEqual([{ entityType: 'invoice', entityId: created.id, label: `Invoice ${created.number}/${created.year} — Verdi Consulting Srl` }]);

    const it_ = await assistant.ask({ question: 'Quali fatture ho creato oggi?' });
    expect(it_.answer).toContain(`Fattura ${created.number}/${created.year}`);
  });

  it("tells a client's history with payment behaviour, matched by name or P.IVA", async () => {
    const client = one<{ partita_iva: string }>('SELECT partita_iva FROM clients WHERE id = ?', fx.clientIds.bianchi);
    const expected = one<{ n: number; total: number; td08: number }>(
      `SELECT SUM(document_type NOT IN ('TD04','TD08')) AS n, SUM(CASE WHEN document_type IN ('TD04','TD08') THEN -total_cents ELSE total_cents END) AS total,
              SUM(document_type = 'TD08') AS td08
         FROM invoices WHERE client_id = ? AND status NOT IN ('draft','cancelled')`,
      fx.clientIds.bianchi,
    );
    const paidRows = all<{ issue_date: string; due_date: string; paid: string }>(
      `SELECT i.issue_date, i.due_date, MAX(p.paid_date) AS paid FROM invoices i JOIN payments p ON p.invoice_id = i.id
       WHERE i.client_id = ? AND i.status = 'paid' GROUP BY i.id`,
      fx.clientIds.bianchi,
    );
    // The client's total is net of its simplified credit note (TD08).
    expect(expected.td08).toBe(1);
    const day = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000;
    const avgLate = paidRows.reduce((s, r) => s + day(r.paid) - day(r.due_date), 0) / paidRows.length;
    for (const question of ['Storico del cliente Bianchi Costruzioni', `Tell me about ${client.partita_iva}`]) {
      const r = await assistant.ask({ question });
      if (r.facts.intent !== 'client_history') throw new Error(`wrong intent ${r.intent} for ${question}`);
      expect(r.facts.client?.id).toBe(fx.clientIds.bianchi);
      expect(r.facts.invoiceCount).toBe(expected.n);
      expect(r.facts.totalInvoicedCents).toBe(expected.total);
      expect(r.facts.paidInvoiceCount).toBe(paidRows.length);
      expect(r.facts.avgDaysLate).toBeCloseTo(avgLate, 6);
      expect(r.sources[0]).toEqual({ entityType: 'client', entityId: fx.clientIds.bianchi, label: 'Bianchi Costruzioni SpA' });
    }
  });

  it('counts invoices by status and falls back to due dates for the forecast when no model is trained', async () => {
    const total = one<{ n: number }>('SELECT COUNT(*) AS n FROM invoices').n;
    const c = await assistant.ask({ question: 'How many invoices do I have?' });
    if (c.facts.intent !== 'count') throw new Error('wrong facts');
    expect(c.facts.count).toBe(total);

    const horizonEnd = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 29 * 86_400_000).toISOString().slice(0, 10);
    const expected = one<{ cents: number }>(
      `SELECT COALESCE(SUM(p.amount_cents - p.paid_amount_cents), 0) AS cents FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.status NOT IN ('draft','cancelled','paid') AND i.document_type NOT IN ('TD04','TD08') AND p.amount_cents > p.paid_amount_cents AND p.due_date <= ?`,
      horizonEnd,
    );
    const f = await assistant.ask({ question: 'Cash flow forecast for the next 30 days' });
    if (f.facts.intent !== 'forecast') throw new Error('wrong facts');
    expect(f.facts.basis).toBe('due-dates');
    expect(f.facts.expectedCents).toBe(expected.cents);
    expect(f.notes.join(' ')).toMatch(/isn't trained yet/);
    expect(f.answer).toMatch(/cash-flow model isn't trained yet/);
    // A button trains the model: the answer never sends the user to a command line.
    expect(f.actions).toEqual(['train-model']);
    expect(f.answer).not.toMatch(/openfatture|--retrain|`/);
  });

  it('answers short follow-ups in the same session: another period, then another client', async () => {
    const first = await assistant.ask({ question: "What's my revenue this month?" });
    const lastMonth = await assistant.ask({ question: 'And last month?', sessionId: first.sessionId });
    if (lastMonth.facts.intent !== 'revenue') throw new Error(`wrong intent ${lastMonth.intent}`);
    const [y, m] = TODAY.split('-').map(Number) as [number, number];
    const from = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
    expect(lastMonth.facts.period.from).toBe(from);
    const forRossi = await assistant.ask({ question: 'e per Rossi?', sessionId: first.sessionId });
    if (forRossi.facts.intent !== 'revenue') throw new Error(`wrong intent ${forRossi.intent}`);
    expect(forRossi.facts.client?.id).toBe(fx.clientIds.rossi);
    expect(forRossi.facts.period.from).toBe(from);
    const expected = one<{ total: number }>(
      `SELECT COALESCE(SUM(CASE WHEN document_type IN ('TD04','TD08') THEN -total_cents ELSE total_cents END), 0) AS total FROM invoices
       WHERE client_id = ? AND status NOT IN ('draft','cancelled') AND issue_date BETWEEN ? AND ?`,
      fx.clientIds.rossi,
      from,
      forRossi.facts.period.to,
    );
    expect(forRossi.facts.totalCents).toBe(expected.total);
    // A follow-up with no clear language keeps the conversation's.
    const it_ = await assistant.ask({ question: 'Fatturato di questo mese?' });
    const q2 = await assistant.ask({ question: 'E Q2 2026?', sessionId: it_.sessionId });
    expect([q2.intent, q2.language]).toEqual(['revenue', 'it']);
    // Without the session, the same words are not a revenue question.
    expect((await assistant.ask({ question: 'And last month?' })).intent).toBe('search');
  });

  it('rejects bad questions naming the field', async () => {
    await expect(assistant.ask({ question: '   ' })).rejects.toThrow(/question: must not be empty/);
    await expect(assistant.ask({ question: 'x'.repeat(5000) })).rejects.toThrow(/question: longer than/);
    await expect(assistant.ask({ question: 'ok', language: 'de' as 'it' })).rejects.toThrow(/language: expected it or en/);
  });
});
