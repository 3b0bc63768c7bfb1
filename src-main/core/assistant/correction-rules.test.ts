import { describe, expect, it } from 'vitest';
import { describeRestriction, readRestriction } from './correction-rules';
import { describePeriod } from './parse-period';

const TODAY = '2026-11-26';
const CLIENTS = [
  { id: 1, denominazione: 'Bianchi Costruzioni SpA', partita_iva: null, codice_fiscale: null },
  { id: 2, denominazione: 'Ferrari Impianti Elettrici Srl', partita_iva: null, codice_fiscale: null },
  { id: 3, denominazione: 'Conti Agenzia Immobiliare', partita_iva: null, codice_fiscale: null },
];
const read = (c: string) => readRestriction(c, TODAY, CLIENTS);

describe('readRestriction', () => {
  it('reads instructions that restrict the question', () => {
    expect(read('Conta solo le fatture emesse nel 2026')).toMatchObject({ period: { from: '2026-01-01', to: '2026-12-31' }, client: null, status: null });
    expect(read("Guarda solo quest'anno, gli anni prima non contano")).toMatchObject({ period: { from: '2026-01-01', to: '2026-12-31' } });
    expect(read('Escludi Bianchi Costruzioni: con loro ho concordato un piano di rientro')).toMatchObject({ excludeClients: [{ id: 1 }], period: null });
    expect(read('Escludi le fatture di Conti Agenzia Immobiliare, sono rifatturazioni di spese')).toMatchObject({ excludeClients: [{ id: 3 }] });
    expect(read('Conta solo quelle già pagate')).toMatchObject({ status: 'paid' });
    expect(read("Considera solo l'imponibile, senza IVA")).toMatchObject({ basis: 'net' });
    expect(read('Revenue should be net of VAT')).toMatchObject({ basis: 'net' });
    expect(read('Only count invoices from 2025')).toMatchObject({ period: { from: '2025-01-01' } });
    expect(read("Don't count unpaid invoices")).toMatchObject({ status: 'paid' });
  });

  it('leaves facts as facts, even when they name a client or a month', () => {
    expect(read('Revenue is €12,500 including pending')).toBeNull();
    expect(read('La fattura grossa di Ferrari Impianti arriverà solo a gennaio')).toBeNull();
    expect(read('Rossi paga sempre a 60 giorni fine mese, è concordato così')).toBeNull();
    expect(read('Vanno aggiunti 2.000 € in contanti che Marino Ristorazione mi deve')).toBeNull();
    // An instruction with nothing the data can apply is a fact too.
    expect(read('Conta anche il lavoro fatto a mano')).toBeNull();
  });

  it('says what was applied in both languages', () => {
    const p = read('Conta solo le fatture emesse nel 2026')!;
    expect(describeRestriction(p, 'it', (x) => describePeriod(x, 'it'))).toBe('solo le fatture emesse nel 2026');
    expect(describeRestriction(p, 'en', (x) => describePeriod(x, 'en'))).toBe('only invoices issued in 2026');
    expect(describeRestriction(read('Escludi Bianchi Costruzioni')!, 'en', (x) => describePeriod(x, 'en'))).toBe("leaving out Bianchi Costruzioni SpA's invoices");
  });
});
