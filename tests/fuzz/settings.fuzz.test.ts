// Property-based: any value for any setting, from any layer, is either accepted as a valid typed value
// or rejected with a SettingsError naming the variable — and a rejected value is never stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings, SETTING_DEFS, SETTING_KEYS, SettingsError, settingSchema, type SettingKey } from '../../src-main/core/config/settings';
import { memorySettingsStore } from '../../src-main/core/config/settings-store';
import { fuzzRuns, recordFuzz } from './fuzz-counter';

const anyValue = fc.oneof(
  fc.string(),
  fc.constantFrom('true', 'false', 'yes', '0', '1', '', ' ', 'NaN', 'Infinity', '-1', '1e9', '2.5', 'abc', '∞', '12abc'),
  fc.integer().map(String),
  fc.double().map(String),
  fc.integer(),
  fc.double(),
  fc.boolean(),
);

describe('settings fuzzing', () => {
  it('environment values: valid and typed, or a SettingsError naming the variable', () => {
    const runs = fuzzRuns(400);
    fc.assert(
      fc.property(fc.constantFrom(...SETTING_KEYS), anyValue, (key: SettingKey, raw) => {
        const value = typeof raw === 'string' ? raw : String(raw);
        try {
          const r = resolveSettings({ env: { [`OPENFATTURE_${key}`]: value } });
          const d = SETTING_DEFS[key] as { kind: string; min?: number; max?: number; values?: readonly string[] };
          const v = r.values[key];
          if (d.kind === 'bool') expect(typeof v).toBe('boolean');
          if (d.kind === 'int' || d.kind === 'float') {
            expect(typeof v).toBe('number');
            expect(v as number).toBeGreaterThanOrEqual(d.min!);
            expect(v as number).toBeLessThanOrEqual(d.max!);
            if (d.kind === 'int') expect(Number.isInteger(v)).toBe(true);
          }
          if (d.kind === 'enum') expect(d.values).toContain(v);
        } catch (e) {
          expect(e).toBeInstanceOf(SettingsError);
          expect((e as Error).message).toContain(`OPENFATTURE_${key}=`);
          expect((e as Error).message).toMatch(/expected /);
        }
      }),
      { numRuns: runs },
    );
    recordFuzz('settings (environment)', runs);
  });

  it('settings store: a rejected value is never written', () => {
    const runs = fuzzRuns(300);
    fc.assert(
      fc.property(fc.constantFrom(...SETTING_KEYS), anyValue, (key: SettingKey, raw) => {
        const store = memorySettingsStore({});
        const valid = settingSchema(key).safeParse(raw).success;
        if (valid) {
          store.set(key, raw as never);
          expect(store.all()[key]).toEqual(settingSchema(key).parse(raw));
        } else {
          expect(() => store.set(key, raw as never)).toThrow(SettingsError);
          expect(store.all()).toEqual({});
        }
      }),
      { numRuns: runs },
    );
    recordFuzz('settings (store)', runs);
  });
});
