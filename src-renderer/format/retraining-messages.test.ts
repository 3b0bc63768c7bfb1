import { describe, expect, it } from 'vitest';
import type { RetrainingMessage } from '../../src-shared/retraining-message';
import { formatRetrainingMessage, formatRetrainingMessages } from './retraining-messages';

const msg = (code: string, params: RetrainingMessage['params'] = {}): RetrainingMessage => ({ code, params });

describe('retraining messages in the UI language', () => {
  const deploy = msg('improvement-met', { candidateMae: 4.1, activeMae: 5.2, activeVersion: '1.0.0', improvement: 0.2115, required: 0.05 });
  const keep = msg('improvement-below-threshold', { candidateMae: 9.9, activeMae: 10, activeVersion: '1.1.0', improvement: 0.01, required: 0.02, n: 12345 });

  it('says why a candidate was deployed, with the locale’s decimals and percentages', () => {
    expect(formatRetrainingMessages([deploy], 'x', 'it')).toBe('MAE 4,1 contro 5,2 della versione 1.0.0: miglioramento 21,2%, minimo richiesto 5%');
    expect(formatRetrainingMessages([deploy], 'x', 'en')).toBe('MAE 4.1 vs 5.2 of 1.0.0: improvement 21.2% ≥ 5% required');
  });

  it('says why the current model was kept, with thousands grouped', () => {
    expect(formatRetrainingMessages([keep], 'x', 'it')).toBe('MAE 9,9 contro 10 della versione 1.1.0 sulle stesse 12.345 righe mai viste: miglioramento 1%, sotto il minimo richiesto (2%)');
    expect(formatRetrainingMessages([keep], 'x', 'en')).toBe('MAE 9.9 vs 10 of 1.1.0 on the same 12,345 unseen rows: improvement 1% < 2% required');
  });

  it('names the first model’s baseline and joins a check, the dry-run intro and the decision', () => {
    const first = msg('first-model-deploy', { candidateMae: 12.345, baselineMae: 20, improvement: 0.38275, model: 'cash_flow', baseline: 'due-date baseline' });
    const notes = [msg('fired-by-check', { checkRunId: 7 }), msg('dry-run', { would: 'deploy' }), first];
    expect(formatRetrainingMessages(notes, 'x', 'it')).toBe('Avviato dal controllo n. 7; prova a secco (avrebbe pubblicato la candidata): primo modello: MAE 12,35 contro 20 del riferimento basato sulla scadenza (miglioramento 38,3%)');
    expect(formatRetrainingMessages(notes, 'x', 'en')).toBe('Fired by check #7; dry run (would deploy): first model: MAE 12.35 beats the due-date baseline (20) by 38.3%');
    const lose = msg('first-model-keep', { candidateMae: 31, baselineMae: 30, model: 'other_model', baseline: 'mean baseline' });
    expect(formatRetrainingMessages([lose], 'x', 'it')).toBe('Il primo modello non batte il mean baseline: MAE 31 contro 30');
  });

  it('speaks each model’s own error: MAE in days for cash flow, the top-1 error rate as a percentage for the matcher', () => {
    const of = (metric: string, extra: RetrainingMessage['params'] = {}) => ({ candidateMae: 0.024, activeMae: 0.031, activeVersion: '1.0.0', improvement: 0.2258, required: 0.1, metric, ...extra });
    const matcher: [RetrainingMessage, string, string][] = [
      [msg('improvement-met', of('top1Error')), 'Errore sul primo suggerimento 2,4% contro 3,1% della versione 1.0.0: miglioramento 22,6%, minimo richiesto 10%', 'Top-1 error rate 2.4% vs 3.1% of 1.0.0: improvement 22.6% ≥ 10% required'],
      [
        msg('improvement-below-threshold', of('top1Error', { improvement: 0, n: 140 })),
        'Errore sul primo suggerimento 2,4% contro 3,1% della versione 1.0.0 sulle stesse 140 risposte mai viste: miglioramento 0%, sotto il minimo richiesto (10%)',
        'Top-1 error rate 2.4% vs 3.1% of 1.0.0 on the same 140 unseen answers: improvement 0% < 10% required',
      ],
      [
        msg('first-model-deploy', { candidateMae: 0.024, baselineMae: 0.031, improvement: 0.2258, model: 'payment_matcher', baseline: 'rule-based version 0', metric: 'top1Error' }),
        'Primo modello: errore sul primo suggerimento 2,4% contro 3,1% con la versione 0 a regole (miglioramento 22,6%)',
        'First model: top-1 error rate 2.4% beats the rule-based version 0 (3.1%) by 22.6%',
      ],
      [
        msg('first-model-keep', { candidateMae: 0.04, baselineMae: 0.031, model: 'payment_matcher', baseline: 'rule-based version 0', metric: 'top1Error' }),
        'Il primo modello non batte la versione 0 a regole: errore sul primo suggerimento 4% contro 3,1%',
        'First model does not beat the rule-based version 0: top-1 error rate 4% vs 3.1%',
      ],
    ];
    for (const [m, it, en] of matcher) {
      expect(formatRetrainingMessage(m, 'x', 'it')).toBe(it);
      expect(formatRetrainingMessage(m, 'x', 'en')).toBe(en);
      expect(`${formatRetrainingMessage(m, 'x', 'it')} ${formatRetrainingMessage(m, 'x', 'en')}`).not.toMatch(/MAE|giorni|days/);
    }
    // Holdout notes count each model's own examples.
    const holdout = msg('holdout-latest', { rows: 212, from: '2023-12-17', unseen: null, model: 'payment_matcher', label: 'answered suggestions' });
    expect(formatRetrainingMessage(holdout, 'x', 'it')).toMatch(/^Verifica: le ultime 212 risposte ai suggerimenti \(dal .*2023\)$/);
    expect(formatRetrainingMessage(holdout, 'x', 'en')).toMatch(/^Holdout: the latest 212 answered suggestions \(from .*2023\)$/);
    const refit = msg('champion-refit', { version: '1.0.0', unseen: 3, needed: 50, model: 'payment_matcher', label: 'answered suggestions' });
    expect(formatRetrainingMessage(refit, 'x', 'en')).toMatch(/^Only 3 answered suggestions since 1\.0\.0 was trained \(50 needed/);
    expect(formatRetrainingMessage(refit, 'x', 'it')).toMatch(/^Solo 3 risposte ai suggerimenti dopo l’addestramento della versione 1\.0\.0/);
    expect(formatRetrainingMessage(msg('holdout-latest', { rows: 40, from: '2024-03-01', unseen: null, model: 'cash_flow', label: 'paid invoices' }), 'x', 'it')).toMatch(/^Verifica: le ultime 40 fatture pagate/);

    // Its triggers count answered suggestions, not outcomes of predictions.
    const count = msg('trigger-outcomes-since-evaluation', { count: 12, threshold: 50, since: null, model: 'payment_matcher', label: 'answered suggestions' });
    expect(formatRetrainingMessage(count, 'x', 'it')).toBe('Nuove risposte ai suggerimenti: 12 dall’inizio (soglia 50)');
    expect(formatRetrainingMessage(count, 'x', 'en')).toBe('12 new answered suggestions since the start (threshold 50)');
    const drop = msg('trigger-accuracy-drop', { accuracy: 0.85, sample: 100, upper: 0.9, baseline: 0.97, baselineSample: 120, drop: 0.1237, threshold: 0.05, model: 'payment_matcher', label: 'answered suggestions' });
    expect(formatRetrainingMessage(drop, 'x', 'en')).toBe('Live accuracy 85% (at most 90% at 95% confidence) over the latest 100 answered suggestions vs baseline 97% on 120: drop of 12.4% (threshold 5%)');
    expect(formatRetrainingMessage(drop, 'x', 'it')).toContain('sulle ultime 100 risposte ai suggerimenti contro 97% di riferimento');
    const held = msg('retrain-held-no-outcomes', { since: '2026-11-30T10:00:00.000Z', model: 'payment_matcher', label: 'answered suggestions' });
    expect(formatRetrainingMessage(held, 'x', 'en')).toMatch(/^No new answered suggestions since the last evaluation on .*2026: retraining on the same data would change nothing$/);
    expect(formatRetrainingMessage(held, 'x', 'it')).toMatch(/^Nessuna novità tra le risposte ai suggerimenti dall’ultima valutazione del .*2026/);
    expect(formatRetrainingMessage(msg('retrain-held-no-outcomes', { since: '2026-11-30T10:00:00.000Z' }), 'x', 'en')).toMatch(/^No new outcome since/);

    // The cash-flow model, with its metric named or stored before metrics were (both MAE).
    for (const cash of [msg('improvement-met', of('mae', { candidateMae: 4.1, activeMae: 5.2 })), msg('improvement-met', { candidateMae: 4.1, activeMae: 5.2, activeVersion: '1.0.0', improvement: 0.2115, required: 0.1 })]) {
      expect(formatRetrainingMessage(cash, 'x', 'it')).toMatch(/^MAE 4,1 contro 5,2 della versione 1\.0\.0: miglioramento/);
      expect(formatRetrainingMessage(cash, 'x', 'en')).toMatch(/^MAE 4\.1 vs 5\.2 of 1\.0\.0: improvement/);
    }
  });

  it('describes each trigger in Italian and English', () => {
    const cases: [RetrainingMessage, string, string][] = [
      [msg('trigger-feedback-count', { count: 18, threshold: 25, version: '1.0.0' }), '18 nuovi feedback o esiti da quando la versione 1.0.0 è stata addestrata (soglia 25)', '18 new feedback items or outcomes since 1.0.0 was trained (threshold 25)'],
      [msg('trigger-feedback-count', { count: 3, threshold: 25, version: null }), '3 nuovi feedback o esiti dall’inizio (soglia 25)', '3 new feedback items or outcomes since the start (threshold 25)'],
      [msg('trigger-feedback-count', { count: 1, threshold: 25, version: null }), '1 nuovo feedback o esito dall’inizio (soglia 25)', '1 new feedback or outcome since the start (threshold 25)'],
      [msg('trigger-feedback-count', { count: 1234, threshold: 25, version: null }), '1.234 nuovi feedback o esiti dall’inizio (soglia 25)', '1,234 new feedback items or outcomes since the start (threshold 25)'],
      [msg('trigger-no-active-model', { model: 'cash_flow' }), 'Nessun modello cash_flow è ancora stato pubblicato', 'No cash_flow model has been deployed yet'],
      [msg('trigger-model-age', { days: 12.5, threshold: 7, version: '1.2.0' }), '12,5 giorni da quando la versione 1.2.0 è stata addestrata (soglia 7)', '12.5 days since 1.2.0 was trained (threshold 7)'],
      [msg('trigger-accuracy-unmeasured', { sample: 4, needed: 20, version: '1.2.0' }), '4 previsioni verificate della versione 1.2.0: ne servono 20 per misurare l’accuratezza reale', '4 resolved predictions of 1.2.0 (needs 20 to measure live accuracy)'],
      [msg('trigger-no-baseline', { version: '1.2.0' }), 'La versione 1.2.0 non ha un’accuratezza di riferimento', '1.2.0 has no baseline accuracy'],
      [
        msg('trigger-accuracy-drift', { accuracy: 0.45, sample: 100, baseline: 0.6, drop: 0.25, threshold: 0.1 }),
        'Accuratezza reale 45% sulle ultime 100 previsioni verificate contro 60% di riferimento (calo 25%, soglia 10%)',
        'Live accuracy 45% over the latest 100 resolved predictions vs baseline 60%: drop of 25% (threshold 10%)',
      ],
      [
        msg('trigger-accuracy-drift', { accuracy: 0.655, sample: 50, baseline: 0.6, drop: -0.0917, threshold: 0.1 }),
        'Accuratezza reale 65,5% sulle ultime 50 previsioni verificate contro 60% di riferimento (aumento 9,2%, soglia 10%)',
        'Live accuracy 65.5% over the latest 50 resolved predictions vs baseline 60%: gain of 9.2% (threshold 10%)',
      ],
    ];
    for (const [m, it, en] of cases) {
      expect(formatRetrainingMessage(m, 'x', 'it')).toBe(it);
      expect(formatRetrainingMessage(m, 'x', 'en')).toBe(en);
    }
  });

  it('explains errors and rollbacks with dates and translated names', () => {
    const because = [msg('insufficient-data-because'), msg('training-too-small', { count: 4, cutoff: '2025-03-01', needed: 10 })];
    expect(formatRetrainingMessages(because, 'x', 'it')).toMatch(/^Dati insufficienti: solo 4 esiti noti prima dell’inizio del periodo di verifica \(.*2025\): ne servono almeno 10 per addestrare$/);
    expect(formatRetrainingMessages([msg('insufficient-data', { needed: 25, found: 3, model: 'cash_flow', label: 'paid invoices' })], 'x', 'it')).toBe('Dati insufficienti: servono almeno 25 fatture pagate, ce ne sono 3');
    expect(formatRetrainingMessages([msg('automatic-fallback', { version: '1.1.0', health: 'corrupt' })], 'x', 'it')).toBe('Ripristino automatico: il file della versione 1.1.0 è corrotto');
    expect(formatRetrainingMessages([msg('interrupted')], 'x', 'en')).toBe('Interrupted: the process ended before the retrain finished');
  });

  it('shows the stored English text for old rows, unknown codes and params that do not fit', () => {
    const old = 'MAE 4.10 vs 5.20 of 1.0.0: improvement 21.2% ≥ 2.0% required';
    expect(formatRetrainingMessages(null, old, 'it')).toBe(old);
    expect(formatRetrainingMessages([], old, 'it')).toBe(old);
    expect(formatRetrainingMessages([deploy, msg('from-a-newer-version', { x: 1 })], old, 'it')).toBe(old);
    expect(formatRetrainingMessages([msg('improvement-met', { candidateMae: 'four' })], old, 'it')).toBe(old);
    expect(formatRetrainingMessages(null, null, 'it')).toBeNull();
  });
});
