import { describe, expect, it } from 'vitest';
import { compileDateFormat } from './csv-date-format';

describe('compileDateFormat', () => {
  it('parses the usual export formats strictly', () => {
    expect(compileDateFormat('DD/MM/YYYY').parse('05/03/2025')).toBe('2025-03-05');
    expect(compileDateFormat('MM/DD/YYYY').parse('03/05/2025')).toBe('2025-03-05');
    expect(compileDateFormat('YYYY-MM-DD').parse('2025-03-05')).toBe('2025-03-05');
    expect(compileDateFormat('D.M.YY').parse('5.3.25')).toBe('2025-03-05');
    expect(compileDateFormat('DD.MM.YY').parse('31.12.99')).toBe('1999-12-31');
    expect(compileDateFormat('DD/MM/YYYY').parse('31/02/2025')).toBeNull();
    expect(compileDateFormat('DD/MM/YYYY').parse('2025-03-05')).toBeNull();
    expect(compileDateFormat('DD/MM/YYYY').parse('5/3/2025')).toBeNull();
  });

  it('rejects formats without a day, month and year, naming the flag', () => {
    expect(() => compileDateFormat('MM/YYYY')).toThrow(/--date-format: .*got "MM\/YYYY"/);
    expect(() => compileDateFormat('DD/MM/YYYY/YY')).toThrow(/--date-format/);
  });
});
