import { describe, expect, it } from 'vitest';
import { FeedbackAnalyzer } from './feedback-analyzer';
import { FeedbackService } from './feedback-service';
import { tempDatabases } from '../../../tests/support/temp-database';

const openTemp = tempDatabases('of-an-');

function setup() {
  const d = openTemp();
  const svc = new FeedbackService(d.sqlite, () => ({ AI_FEEDBACK_ENABLED: true, ML_TOLERANCE_DAYS: 7 }));
  return { d, svc, analyzer: new FeedbackAnalyzer(d.sqlite) };
}

describe('FeedbackAnalyzer', () => {
  it('computes counts, ratings, thumbs, corrections, weekly trend and patterns over a period', () => {
    const { d, svc, analyzer } = setup();
    const rows = [
      // week of 2025-03-03
      [{ agentType: 'chat', input: "What's my revenue this month?", response: 'Your revenue is €10,000', correction: 'Revenue is €12,500', rating: 2 }, '2025-03-03T10:00:00.000Z'],
      [{ agentType: 'chat', input: 'what is my revenue this month', response: 'Your revenue is €10,000', correction: 'Revenue is €12,600', rating: 1 }, '2025-03-04T10:00:00.000Z'],
      [{ agentType: 'chat', input: "WHAT'S my revenue this month", response: 'Your revenue is €10,000', correction: 'Revenue is €12,700', thumb: 'down' as const }, '2025-03-05T10:00:00.000Z'],
      [{ agentType: 'chat', input: 'Unpaid invoices?', response: 'Three', thumb: 'up' as const, rating: 5 }, '2025-03-06T10:00:00.000Z'],
      // week of 2025-03-10
      [{ agentType: 'cash_flow_predictor', input: 'When will Rossi pay?', response: '2025-04-01', correction: 'Rossi paid on 2025-04-09', rating: 2 }, '2025-03-11T10:00:00.000Z'],
      [{ agentType: 'chat', input: 'Top clients', response: 'Rossi', thumb: 'up' as const }, '2025-03-12T10:00:00.000Z'],
      // outside the period below
      [{ agentType: 'chat', input: 'Old question', response: 'Old', correction: 'Older', rating: 1 }, '2025-01-01T10:00:00.000Z'],
    ] as const;
    svc.recordChatBatch(rows.map((r) => r[0]), rows.map((r) => r[1]));
    d.sqlite.prepare("INSERT INTO model_versions(model_name, version, status, deployed_at) VALUES ('cash_flow', '1.1.0', 'active', '2025-03-01T00:00:00.000Z')").run();
    const pred = d.sqlite.prepare(
      "INSERT INTO model_prediction_feedback(model_name, model_version, prediction, was_accurate, error_days, source, created_at, consumed_by_version) VALUES ('cash_flow', ?, '{}', ?, ?, ?, ?, ?)",
    );
    pred.run('1.0.0', 1, 2, 'auto-outcome', '2025-02-10T00:00:00.000Z', '1.1.0');
    pred.run('1.1.0', 1, -3, 'auto-outcome', '2025-03-05T00:00:00.000Z', null);
    pred.run('1.1.0', 0, 12, 'auto-outcome', '2025-03-06T00:00:00.000Z', null);
    pred.run('1.1.0', 0, null, 'user', '2025-03-07T00:00:00.000Z', null);

    const s = analyzer.stats({ since: '2025-03-01', until: '2025-03-31' });
    expect(s.chat).toMatchObject({ total: 6, ratings: 4, avgRating: 2.5, thumbsUp: 2, thumbsDown: 1, thumbsUpRatio: 0.667, corrections: 4, correctionRate: 0.667 });
    expect(s.chat.byAgentType.map((a) => [a.agentType, a.total, a.corrections])).toEqual([
      ['chat', 5, 3],
      ['cash_flow_predictor', 1, 1],
    ]);
    expect(s.weeklyTrend).toEqual([
      { weekStart: '2025-03-03', total: 4, avgRating: 2.67, thumbsUp: 1, thumbsDown: 1, corrections: 3 },
      { weekStart: '2025-03-10', total: 2, avgRating: 2, thumbsUp: 1, thumbsDown: 0, corrections: 1 },
    ]);
    expect(s.topCorrectedQuestions[0]).toMatchObject({ key: 'what s my revenue this month', count: 2, example: "WHAT'S my revenue this month", latestCorrection: 'Revenue is €12,700' });
    // "What's" and "what is" differ after normalisation; "What's" and "WHAT'S" do not.
    expect(s.topCorrectedQuestions).toHaveLength(3);
    expect(s.lowRatedPatterns.map((p) => [p.example, p.count, p.avgRating])).toEqual([
      ['When will Rossi pay?', 1, 2],
      ['what is my revenue this month', 1, 1],
      ["What's my revenue this month?", 1, 2],
    ]);
    expect(s.commonIssues[0]).toMatchObject({ example: 'Your revenue is €10,000', count: 2, latestCorrection: 'Revenue is €12,700' });
    expect(s.commonIssues.map((i) => i.example)).toEqual(['Your revenue is €10,000', '2025-04-01', 'Your revenue is €10,000']);
    expect(s.predictions.byVersion).toEqual([
      { model: 'cash_flow', version: '1.1.0', source: 'auto-outcome', total: 2, evaluated: 2, accurate: 1, accuracy: 0.5, meanAbsErrorDays: 7.5 },
      { model: 'cash_flow', version: '1.1.0', source: 'user', total: 1, evaluated: 1, accurate: 0, accuracy: 0, meanAbsErrorDays: null },
    ]);
    expect(s.unprocessedSinceActive.find((u) => u.model === 'cash_flow')).toEqual({ model: 'cash_flow', activeVersion: '1.1.0', deployedAt: '2025-03-01T00:00:00.000Z', unprocessed: 3 });

    const all = analyzer.stats();
    expect(all.chat.total).toBe(7);
    expect(all.predictions.total).toBe(4);
    const lastWeek = analyzer.stats({ days: 7, today: '2025-03-12' });
    expect(lastWeek.period).toEqual({ since: '2025-03-06', until: null });
    expect(lastWeek.chat.total).toBe(3);
  });

  it('rejects a bad period by name', () => {
    const { analyzer } = setup();
    expect(() => analyzer.stats({ days: 0 })).toThrow(/^days:/);
    expect(() => analyzer.stats({ since: '2025-13-01' })).toThrow(/^since:/);
    expect(() => analyzer.stats({ since: '2025-03-10', until: '2025-03-01' })).toThrow(/^until:/);
  });

  it('answers on an empty database', () => {
    const { analyzer } = setup();
    const s = analyzer.stats();
    expect(s.chat).toMatchObject({ total: 0, avgRating: null, thumbsUpRatio: null, correctionRate: null });
    expect(s.unprocessedSinceActive.map((u) => u.model)).toEqual(['cash_flow', 'payment_matcher']);
  });
});
