import { describe, expect, it } from 'vitest';
import { detectLanguage, parseIntent } from './parse-intent';
import { describePeriod, parsePeriod } from './parse-period';

const TODAY = '2026-11-26'; // a Thursday

const period = (q: string) => {
  const p = parsePeriod(q, TODAY);
  return p && [p.kind, p.from, p.to];
};

describe('parsePeriod', () => {
  it.each([
    ["What's my revenue this month?", ['month', '2026-11-01', '2026-11-30']],
    ['Fatturato di questo mese', ['month', '2026-11-01', '2026-11-30']],
    ['revenue last month', ['month', '2026-10-01', '2026-10-31']],
    ['fatturato del mese scorso', ['month', '2026-10-01', '2026-10-31']],
    ['this year', ['year', '2026-01-01', '2026-12-31']],
    ["fatturato di quest'anno", ['year', '2026-01-01', '2026-12-31']],
    ['quest’anno', ['year', '2026-01-01', '2026-12-31']],
    ["l'anno scorso", ['year', '2025-01-01', '2025-12-31']],
    ['last year', ['year', '2025-01-01', '2025-12-31']],
    ['What invoices did I create today?', ['day', TODAY, TODAY]],
    ['Quali fatture ho creato oggi?', ['day', TODAY, TODAY]],
    ['ieri', ['day', '2026-11-25', '2026-11-25']],
    ['fatturato marzo 2025', ['month', '2025-03-01', '2025-03-31']],
    ['Revenue in March 2025', ['month', '2025-03-01', '2025-03-31']],
    ['revenue in February 2024', ['month', '2024-02-01', '2024-02-29']],
    ['fatture di dicembre', ['month', '2025-12-01', '2025-12-31']],
    ['fatture di ottobre', ['month', '2026-10-01', '2026-10-31']],
    ['May 2025', ['month', '2025-05-01', '2025-05-31']],
    ['Q1 2025', ['quarter', '2025-01-01', '2025-03-31']],
    ['q4', ['quarter', '2026-10-01', '2026-12-31']],
    ['primo trimestre 2025', ['quarter', '2025-01-01', '2025-03-31']],
    ['third quarter of 2024', ['quarter', '2024-07-01', '2024-09-30']],
    ['ultimi 30 giorni', ['range', '2026-10-28', TODAY]],
    ['last 30 days', ['range', '2026-10-28', TODAY]],
    ['ultime due settimane', ['range', '2026-11-13', TODAY]],
    ['last 3 months', ['range', '2026-08-27', TODAY]],
    ['this week', ['week', '2026-11-23', '2026-11-29']],
    ['la settimana scorsa', ['week', '2026-11-16', '2026-11-22']],
    ['nel 2024', ['year', '2024-01-01', '2024-12-31']],
    ['dal 2025-01-01 al 2025-03-31', ['range', '2025-01-01', '2025-03-31']],
  ])('%s', (q, expected) => {
    expect(period(q)).toEqual(expected);
  });

  it('returns null when no period is named', () => {
    expect(parsePeriod("Qual è l'importo medio delle fatture?", TODAY)).toBeNull();
    expect(parsePeriod('Which invoices are overdue?', TODAY)).toBeNull();
    // "may" as a verb is not the month
    expect(parsePeriod('May I see the overdue invoices?', TODAY)).toBeNull();
  });

  it('describes periods in both languages', () => {
    const p = parsePeriod('marzo 2025', TODAY)!;
    expect(describePeriod(p, 'it')).toBe('a marzo 2025');
    expect(describePeriod(p, 'en')).toBe('in March 2025');
    expect(describePeriod(parsePeriod('Q1 2025', TODAY)!, 'en')).toBe('in Q1 2025');
  });
});

describe('detectLanguage', () => {
  it.each([
    ["What's my revenue this month?", 'en'],
    ['What invoices did I create today?', 'en'],
    ["Qual è l'importo medio delle fatture?", 'it'],
    ['Quali fatture sono scadute?', 'it'],
    ['fatturato marzo 2025', 'it'],
    ['Which invoices are overdue?', 'en'],
    ['Come paga Gallo?', 'it'],
  ] as const)('%s → %s', (q, lang) => {
    expect(detectLanguage(q)).toBe(lang);
  });
});

describe('parseIntent', () => {
  it.each([
    ["What's my revenue this month?", 'revenue'],
    ['How much revenue did I make this month?', 'revenue'],
    ['Quanto ho fatturato a marzo 2025?', 'revenue'],
    ['Fatturato Q1 2025', 'revenue'],
    ["Qual è l'importo medio delle fatture?", 'average_invoice'],
    ["What's my average invoice amount?", 'average_invoice'],
    ['Which invoices are overdue?', 'overdue'],
    ['Fatture scadute per cliente', 'overdue'],
    ['Quali fatture non sono pagate?', 'unpaid'],
    ['Show unpaid invoices by client', 'unpaid'],
    ['Chi mi deve ancora soldi? fatture da incassare', 'unpaid'],
    ['Top 3 clients this year', 'top_clients'],
    ['Chi sono i miei migliori clienti?', 'top_clients'],
    ['What invoices did I create today?', 'invoices_created'],
    ['Quali fatture ho creato oggi?', 'invoices_created'],
    ['Fatture emesse a marzo 2025', 'invoices_created'],
    ['Storico del cliente Rossi', 'client_history'],
    ['How does Bianchi pay?', 'payment_behaviour'],
    ['Previsione di incasso prossimi 60 giorni', 'forecast'],
    ['cash flow forecast', 'forecast'],
    ['Quante fatture ho emesso quest’anno?', 'count'],
    ['How many clients do I have?', 'count'],
    ['consulenza software Milano', 'search'],
  ] as const)('%s → %s', (q, intent) => {
    expect(parseIntent(q, TODAY).intent).toBe(intent);
  });

  it('reads the details: limits, horizons, grouping, subjects, tax ids, client hints', () => {
    expect(parseIntent('Top 3 clients this year', TODAY).limit).toBe(3);
    expect(parseIntent('Previsione di incasso prossimi 60 giorni', TODAY).horizonDays).toBe(60);
    expect(parseIntent('forecast for the next 2 weeks', TODAY).horizonDays).toBe(14);
    expect(parseIntent('Fatture scadute per cliente', TODAY).byClient).toBe(true);
    expect(parseIntent('How many clients do I have?', TODAY).countSubject).toBe('clients');
    expect(parseIntent('storico 01234567897', TODAY).vatNumber).toBe('01234567897');
    expect(parseIntent('Storico del cliente Rossi Srl', TODAY).clientHint).toBe('rossi srl');
    expect(parseIntent('Unpaid invoices for client Acme Tools', TODAY).clientHint).toBe('acme tools');
  });
});

describe('parseIntent on paraphrases and look-alikes', () => {
  it.each([
    ["Dimmi l'importo medio di una fattura", 'average_invoice'],
    ['Mediamente quanto vale una fattura?', 'average_invoice'],
    ['In media a quanto ammontano le mie fatture?', 'average_invoice'],
    ['Quali sono i clienti che mi fanno guadagnare di più?', 'top_clients'],
    ['Classifica dei clienti per fatturato', 'top_clients'],
    ['Quanti soldi devo ancora incassare?', 'unpaid'],
    ['How much am I still owed?', 'unpaid'],
    ['Verdi mi deve ancora qualcosa?', 'unpaid'],
    ['How much have I billed so far this month?', 'revenue'],
    ['Quanto incasserò nel prossimo mese?', 'forecast'],
    ['How much cash will come in over the next 30 days?', 'forecast'],
    ['Numero di prodotti e servizi a listino', 'count'],
    // How clients pay is not the overdue list nor the average invoice.
    ['Rossi di solito paga in ritardo?', 'payment_behaviour'],
    ['Quali clienti pagano sempre in ritardo?', 'payment_behaviour'],
    ['Qual è il tempo medio di pagamento dei miei clienti?', 'payment_behaviour'],
    ['How long does Bianchi take to pay on average?', 'payment_behaviour'],
    // Rules, not the user's figures.
    ['Qual è il limite di ricavi per restare nel forfettario?', 'search'],
    ['When are the income tax advance payments due?', 'search'],
    ['What does split payment mean on my invoices?', 'search'],
    ['Qual è la fattura più alta che ho emesso?', 'search'],
  ] as const)('%s → %s', (q, intent) => {
    expect(parseIntent(q, TODAY).intent).toBe(intent);
  });

  it('reads restrictions and horizons written in words', () => {
    expect(parseIntent('Fatturato 2025 senza IVA', TODAY).basis).toBe('net');
    expect(parseIntent('Revenue net of VAT this year', TODAY).basis).toBe('net');
    expect(parseIntent("Importo medio delle fatture pagate", TODAY).status).toBe('paid');
    expect(parseIntent('Average of unpaid invoices', TODAY).status).toBe('unpaid');
    expect(parseIntent('Quanto incasserò nel prossimo mese?', TODAY).horizonDays).toBe(30);
    expect(parseIntent('previsione incassi prossime due settimane', TODAY).horizonDays).toBe(14);
  });
});
