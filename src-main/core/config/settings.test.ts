import { describe, expect, it } from 'vitest';
import { defaultSettings, resolveSettings, SettingsError, SETTING_DEFS, SETTING_KEYS, unknownEnvNames } from './settings';

describe('settings', () => {
  it('has the seed defaults', () => {
    const d = defaultSettings();
    expect(d.AI_FEEDBACK_ENABLED).toBe(true);
    expect(d.AI_FEEDBACK_PROMPT_TIMEOUT).toBe(3);
    expect(d.AI_FEEDBACK_RETENTION_DAYS).toBe(365);
    expect(d.ML_RETRAINING_ENABLED).toBe(false);
    expect(d.ML_RETRAINING_CHECK_INTERVAL_HOURS).toBe(24);
    expect(d.ML_RETRAINING_MIN_FEEDBACK_COUNT).toBe(25);
    expect(d.ML_RETRAINING_MAX_DAYS_SINCE_TRAINING).toBe(7);
    expect(d.ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD).toBe(0.1);
    expect(d.ML_RETRAINING_MAX_VERSIONS).toBe(10);
    expect(d.ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE).toBe(0.02);
    expect(d.ML_RETRAINING_DRY_RUN).toBe(false);
    expect(d.RAG_AUTO_UPDATE_ENABLED).toBe(false);
    expect(d.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(50);
    expect(d.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS).toBe(5);
    expect(d.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE).toBe(1000);
    expect(d.RAG_AUTO_UPDATE_TRACK_PRODUCTS).toBe(false);
    expect(d.RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES).toBe(3);
    expect(d.RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH).toBe('.cache/rag_update_queue.json');
    expect(d.RAG_EMBEDDING_PROVIDER).toBe('sentence-transformers');
    expect(d.RAG_EMBEDDING_MODEL).toBe('all-MiniLM-L6-v2');
    expect(d.RAG_ENABLE_CACHING).toBe(true);
  });

  it('applies flags > env > env file > store > default and reports each source', () => {
    const r = resolveSettings({
      flags: { RAG_AUTO_UPDATE_BATCH_SIZE: 7 },
      env: { OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE: '8', OPENFATTURE_AI_FEEDBACK_ENABLED: 'false' },
      envFile: { OPENFATTURE_AI_FEEDBACK_ENABLED: 'true', OPENFATTURE_ML_RETRAINING_MAX_VERSIONS: '4' },
      store: { ML_RETRAINING_MAX_VERSIONS: 5, ML_RETRAINING_DRY_RUN: true },
    });
    expect(r.values.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(7);
    expect(r.sources.RAG_AUTO_UPDATE_BATCH_SIZE).toBe('flag');
    expect(r.values.AI_FEEDBACK_ENABLED).toBe(false);
    expect(r.sources.AI_FEEDBACK_ENABLED).toBe('env');
    expect(r.values.ML_RETRAINING_MAX_VERSIONS).toBe(4);
    expect(r.sources.ML_RETRAINING_MAX_VERSIONS).toBe('env-file');
    expect(r.values.ML_RETRAINING_DRY_RUN).toBe(true);
    expect(r.sources.ML_RETRAINING_DRY_RUN).toBe('store');
    expect(r.sources.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS).toBe('default');
  });

  it.each([
    ['OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE', 'abc', /OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE=abc .*expected an integer between 1 and 10000/],
    ['OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE', '2.5', /expected an integer/],
    ['OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE', '0', /between 1 and 10000/],
    ['OPENFATTURE_AI_FEEDBACK_ENABLED', 'maybe', /OPENFATTURE_AI_FEEDBACK_ENABLED=maybe .*expected a boolean/],
    ['OPENFATTURE_ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD', '1.5', /between 0 and 1/],
    ['OPENFATTURE_UI_LANGUAGE', 'fr', /expected one of it, en/],
    ['OPENFATTURE_BANK_MATCHER_MIN_NEW_ANSWERS', '0', /OPENFATTURE_BANK_MATCHER_MIN_NEW_ANSWERS=0 .*expected an integer between 1 and 1000000/],
    ['OPENFATTURE_BANK_MATCHER_MIN_NEW_ANSWERS', '30.5', /expected an integer/],
    ['OPENFATTURE_BANK_MATCHER_MAX_DAYS_SINCE_TRAINING', '-3', /OPENFATTURE_BANK_MATCHER_MAX_DAYS_SINCE_TRAINING=-3 .*between 0 and 3650/],
    ['OPENFATTURE_BANK_MATCHER_ACCURACY_DROP_THRESHOLD', '5%', /OPENFATTURE_BANK_MATCHER_ACCURACY_DROP_THRESHOLD=5% .*expected a number between 0 and 1/],
    ['OPENFATTURE_BANK_MATCHER_MIN_IMPROVEMENT', '1.1', /OPENFATTURE_BANK_MATCHER_MIN_IMPROVEMENT=1.1 .*between 0 and 1/],
  ])('rejects %s=%s naming the variable, the expectation and the value', (name, value, message) => {
    expect(() => resolveSettings({ env: { [name]: value } })).toThrowError(SettingsError);
    expect(() => resolveSettings({ env: { [name]: value } })).toThrowError(message);
  });

  it('gives the payment matcher its own thresholds in the bank group, next to its matching settings', () => {
    const d = defaultSettings();
    expect([d.BANK_MATCHER_MIN_NEW_ANSWERS, d.BANK_MATCHER_MAX_DAYS_SINCE_TRAINING, d.BANK_MATCHER_ACCURACY_DROP_THRESHOLD, d.BANK_MATCHER_MIN_IMPROVEMENT]).toEqual([50, 30, 0.05, 0.1]);
    expect(SETTING_KEYS.filter((k) => SETTING_DEFS[k].group === 'bank')).toEqual([
      'BANK_AUTO_ACCEPT_THRESHOLD',
      'BANK_FEE_TOLERANCE_CENTS',
      'BANK_MATCHER_MIN_NEW_ANSWERS',
      'BANK_MATCHER_MAX_DAYS_SINCE_TRAINING',
      'BANK_MATCHER_ACCURACY_DROP_THRESHOLD',
      'BANK_MATCHER_MIN_IMPROVEMENT',
    ]);
    const r = resolveSettings({ env: { OPENFATTURE_BANK_MATCHER_MIN_NEW_ANSWERS: '80' }, store: { BANK_MATCHER_MIN_IMPROVEMENT: 0.25 } });
    expect([r.values.BANK_MATCHER_MIN_NEW_ANSWERS, r.sources.BANK_MATCHER_MIN_NEW_ANSWERS]).toEqual([80, 'env']);
    expect([r.values.BANK_MATCHER_MIN_IMPROVEMENT, r.sources.BANK_MATCHER_MIN_IMPROVEMENT]).toEqual([0.25, 'store']);
    // The cash-flow model's thresholds are untouched by them.
    expect(r.values.ML_RETRAINING_MIN_FEEDBACK_COUNT).toBe(25);
  });

  it('never takes the data dir from the settings store (it lives inside the data dir)', () => {
    const r = resolveSettings({ store: { DATA_DIR: '/elsewhere' } });
    expect(r.sources.DATA_DIR).toBe('default');
  });

  it('accepts every default through its own schema', () => {
    const strings = Object.fromEntries(SETTING_KEYS.map((k) => [`OPENFATTURE_${k}`, String(defaultSettings()[k])]));
    expect(resolveSettings({ env: strings }).values).toEqual(defaultSettings());
  });

  it('reports unknown OPENFATTURE_ variables (typos)', () => {
    expect(unknownEnvNames({ OPENFATTURE_RAG_AUTO_UPDATE_BATCHSIZE: '5', OPENFATTURE_DATA_DIR: '/x', PATH: '/bin' })).toEqual([
      'OPENFATTURE_RAG_AUTO_UPDATE_BATCHSIZE',
    ]);
  });
});
