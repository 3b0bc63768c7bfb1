// FeedbackAnalyzer: statistics over any period. Totals, ratings, thumbs, corrections and weekly
// trends come from the per-day rollup (feedback_daily, kept by triggers), the grouped patterns from
// partial indexes on the normalised text, so a million rows answer in well under a second.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, isIsoDate, startOfWeek, todayIso } from '../dates';
import { InputError } from '../errors';
import { MODEL_NAMES } from '../ml/registry/model-names';

export interface StatsPeriod {
  /** Last N days including today. */
  days?: number;
  /** First day included (YYYY-MM-DD). */
  since?: string;
  /** Last day included (YYYY-MM-DD). */
  until?: string;
  /** Rows in each top-N list. */
  top?: number;
  today?: string;
}

export interface AgentStats {
  agentType: string;
  total: number;
  avgRating: number | null;
  ratings: number;
  thumbsUp: number;
  thumbsDown: number;
  corrections: number;
  correctionRate: number | null;
}

export interface WeekStats {
  weekStart: string;
  total: number;
  avgRating: number | null;
  thumbsUp: number;
  thumbsDown: number;
  corrections: number;
}

export interface QuestionPattern {
  /** Normalised grouping key. */
  key: string;
  /** The most recent original wording in the group (for common issues: the answer that was corrected). */
  example: string;
  /** The most recent answer given in the group. */
  answer: string;
  count: number;
  latestCorrection: string | null;
  avgRating: number | null;
  lastAt: string;
}

export interface AccuracyStats {
  model: string;
  version: string | null;
  source: 'user' | 'auto-outcome';
  total: number;
  evaluated: number;
  accurate: number;
  accuracy: number | null;
  meanAbsErrorDays: number | null;
}

export interface UnprocessedStats {
  model: string;
  activeVersion: string | null;
  deployedAt: string | null;
  /** Prediction feedback not yet used by any training run. */
  unprocessed: number;
}

export interface FeedbackStats {
  period: { since: string | null; until: string | null };
  chat: {
    total: number;
    avgRating: number | null;
    ratings: number;
    thumbsUp: number;
    thumbsDown: number;
    /** Share of thumbs that are up (null without thumbs). */
    thumbsUpRatio: number | null;
    corrections: number;
    correctionRate: number | null;
    byAgentType: AgentStats[];
  };
  weeklyTrend: WeekStats[];
  topCorrectedQuestions: QuestionPattern[];
  lowRatedPatterns: QuestionPattern[];
  /** The seed's "Common issues": the most frequently corrected responses, grouped by the question they answered. */
  commonIssues: QuestionPattern[];
  predictions: {
    total: number;
    byModel: { model: string; total: number; evaluated: number; accurate: number; accuracy: number | null }[];
    byVersion: AccuracyStats[];
  };
  unprocessedSinceActive: UnprocessedStats[];
}

const round = (n: number | null, digits = 3): number | null => (n == null || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));
const ratio = (a: number, b: number): number | null => (b > 0 ? round(a / b) : null);

export function resolvePeriod(p: StatsPeriod): { since: string | null; until: string | null } {
  if (p.days != null && (!Number.isInteger(p.days) || p.days < 1)) throw new InputError(`days: expected a whole number of days ≥ 1, got ${p.days}`, 'days');
  if (p.since != null && !isIsoDate(p.since)) throw new InputError(`since: expected a date as YYYY-MM-DD, got "${p.since}"`, 'since');
  if (p.until != null && !isIsoDate(p.until)) throw new InputError(`until: expected a date as YYYY-MM-DD, got "${p.until}"`, 'until');
  if (p.days != null && p.since != null) throw new InputError('days: give either days or since, not both', 'days');
  const since = p.days != null ? addDays(p.today ?? todayIso(), -(p.days - 1)) : (p.since ?? null);
  const until = p.until ?? null;
  if (since && until && since > until) throw new InputError(`until: ${until} is before since ${since}`, 'until');
  return { since, until };
}

export class FeedbackAnalyzer {
  constructor(private readonly sqlite: BetterSqlite3.Database) {}

  stats(period: StatsPeriod = {}): FeedbackStats {
    const { since, until } = resolvePeriod(period);
    const top = period.top ?? 10;
    // Timestamps compare as text: '2025-03-01' <= '2025-03-01T…' and the day after `until` bounds it.
    const from = since ?? '';
    const to = until ? addDays(until, 1) : '9999-12-31';
    const read = this.sqlite.transaction(() => ({
      daily: this.daily(from, to),
      topCorrectedQuestions: this.patterns('corrected_q', from, to, top),
      lowRatedPatterns: this.patterns('low_rated', from, to, top),
      byVersion: this.accuracy(from, to),
      unprocessedSinceActive: this.unprocessed(),
    }));
    // One read transaction: every figure comes from the same snapshot.
    const r = read.deferred();
    const byAgent = new Map<string, AgentStats>();
    const weeks = new Map<string, { total: number; ratingSum: number; ratings: number; thumbsUp: number; thumbsDown: number; corrections: number }>();
    let ratingSum = 0;
    for (const d of r.daily) {
      const a = byAgent.get(d.agent_type) ?? { agentType: d.agent_type, total: 0, avgRating: null, ratings: 0, thumbsUp: 0, thumbsDown: 0, corrections: 0, correctionRate: null };
      a.total += d.total;
      a.ratings += d.rating_count;
      a.avgRating = (a.avgRating ?? 0) + d.rating_sum; // summed here, averaged below
      a.thumbsUp += d.thumbs_up;
      a.thumbsDown += d.thumbs_down;
      a.corrections += d.corrections;
      byAgent.set(d.agent_type, a);
      const wk = startOfWeek(d.day);
      const w = weeks.get(wk) ?? { total: 0, ratingSum: 0, ratings: 0, thumbsUp: 0, thumbsDown: 0, corrections: 0 };
      w.total += d.total;
      w.ratingSum += d.rating_sum;
      w.ratings += d.rating_count;
      w.thumbsUp += d.thumbs_up;
      w.thumbsDown += d.thumbs_down;
      w.corrections += d.corrections;
      weeks.set(wk, w);
      ratingSum += d.rating_sum;
    }
    const agents = [...byAgent.values()]
      .map((a) => ({ ...a, avgRating: a.ratings ? round((a.avgRating ?? 0) / a.ratings, 2) : null, correctionRate: ratio(a.corrections, a.total) }))
      .sort((x, y) => y.total - x.total || x.agentType.localeCompare(y.agentType));
    const sum = (f: (a: AgentStats) => number) => agents.reduce((s, a) => s + f(a), 0);
    const total = sum((a) => a.total);
    const ratings = sum((a) => a.ratings);
    const thumbsUp = sum((a) => a.thumbsUp);
    const thumbsDown = sum((a) => a.thumbsDown);
    const corrections = sum((a) => a.corrections);

    const byModel = new Map<string, { model: string; total: number; evaluated: number; accurate: number; accuracy: number | null }>();
    for (const v of r.byVersion) {
      const m = byModel.get(v.model) ?? { model: v.model, total: 0, evaluated: 0, accurate: 0, accuracy: null };
      m.total += v.total;
      m.evaluated += v.evaluated;
      m.accurate += v.accurate;
      m.accuracy = ratio(m.accurate, m.evaluated);
      byModel.set(v.model, m);
    }
    return {
      period: { since, until },
      chat: {
        total,
        avgRating: ratings ? round(ratingSum / ratings, 2) : null,
        ratings,
        thumbsUp,
        thumbsDown,
        thumbsUpRatio: ratio(thumbsUp, thumbsUp + thumbsDown),
        corrections,
        correctionRate: ratio(corrections, total),
        byAgentType: agents,
      },
      weeklyTrend: [...weeks.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([weekStart, w]) => ({ weekStart, total: w.total, avgRating: w.ratings ? round(w.ratingSum / w.ratings, 2) : null, thumbsUp: w.thumbsUp, thumbsDown: w.thumbsDown, corrections: w.corrections })),
      topCorrectedQuestions: r.topCorrectedQuestions,
      lowRatedPatterns: r.lowRatedPatterns,
      commonIssues: r.topCorrectedQuestions.map((p) => ({ ...p, example: p.answer })),
      predictions: { total: [...byModel.values()].reduce((s, m) => s + m.total, 0), byModel: [...byModel.values()], byVersion: r.byVersion },
      unprocessedSinceActive: r.unprocessedSinceActive,
    };
  }

  private daily(from: string, to: string) {
    return this.sqlite
      .prepare('SELECT day, agent_type, total, rating_sum, rating_count, thumbs_up, thumbs_down, corrections FROM feedback_daily WHERE day >= substr(?, 1, 10) AND day < ?')
      .all(from, to) as { day: string; agent_type: string; total: number; rating_sum: number; rating_count: number; thumbs_up: number; thumbs_down: number; corrections: number }[];
  }

  /** Groups by the normalised text through the matching partial index, then fetches one example per group. */
  private patterns(kind: 'corrected_q' | 'low_rated', from: string, to: string, top: number): QuestionPattern[] {
    const spec = {
      corrected_q: { index: 'user_feedback_corrected_q', key: 'question_norm', where: 'user_correction IS NOT NULL' },
      low_rated: { index: 'user_feedback_low_rated', key: 'question_norm', where: 'rating <= 2' },
    }[kind];
    const groups = this.sqlite
      .prepare(
        `SELECT ${spec.key} AS key, count(*) AS n, max(id) AS last_id FROM user_feedback INDEXED BY ${spec.index}
         WHERE ${spec.where} AND created_at >= ? AND created_at < ? GROUP BY ${spec.key} ORDER BY n DESC, last_id DESC LIMIT ?`,
      )
      .all(from, to, top) as { key: string | null; n: number; last_id: number }[];
    const example = this.sqlite.prepare('SELECT user_input, ai_response, user_correction, created_at FROM user_feedback WHERE id = ?');
    const avg = this.sqlite.prepare(
      `SELECT avg(rating) AS r FROM user_feedback INDEXED BY ${spec.index} WHERE ${spec.where} AND ${spec.key} IS ? AND created_at >= ? AND created_at < ?`,
    );
    return groups.map((g) => {
      const e = example.get(g.last_id) as { user_input: string; ai_response: string; user_correction: string | null; created_at: string };
      const a = avg.get(g.key, from, to) as { r: number | null };
      return { key: g.key ?? '', example: e.user_input, answer: e.ai_response, count: g.n, latestCorrection: e.user_correction, avgRating: round(a.r, 2), lastAt: e.created_at };
    });
  }

  private accuracy(from: string, to: string): AccuracyStats[] {
    const rows = this.sqlite
      .prepare(
        `SELECT model_name, model_version, source, count(*) AS total, count(was_accurate) AS evaluated,
                coalesce(sum(was_accurate), 0) AS accurate, avg(abs(error_days)) AS mae
         FROM model_prediction_feedback INDEXED BY mpf_accuracy
         WHERE created_at >= ? AND created_at < ?
         GROUP BY model_name, model_version, source ORDER BY model_name, model_version, source`,
      )
      .all(from, to) as { model_name: string; model_version: string | null; source: 'user' | 'auto-outcome'; total: number; evaluated: number; accurate: number; mae: number | null }[];
    return rows.map((r) => ({
      model: r.model_name,
      version: r.model_version,
      source: r.source,
      total: r.total,
      evaluated: r.evaluated,
      accurate: r.accurate,
      accuracy: ratio(r.accurate, r.evaluated),
      meanAbsErrorDays: round(r.mae, 2),
    }));
  }

  /** Per model: prediction feedback no training run has consumed yet, counted since the active version was deployed. */
  private unprocessed(): UnprocessedStats[] {
    const names = new Set<string>(MODEL_NAMES);
    for (const r of this.sqlite.prepare('SELECT DISTINCT model_name FROM model_versions').all() as { model_name: string }[]) names.add(r.model_name);
    const active = this.sqlite.prepare("SELECT version, deployed_at, created_at FROM model_versions WHERE model_name = ? AND status = 'active'");
    const count = this.sqlite.prepare(
      'SELECT count(*) AS n FROM model_prediction_feedback WHERE model_name = ? AND consumed_by_version IS NULL AND created_at >= ?',
    );
    return [...names].sort().map((model) => {
      const a = active.get(model) as { version: string; deployed_at: string | null; created_at: string } | undefined;
      const since = a ? (a.deployed_at ?? a.created_at) : '';
      return { model, activeVersion: a?.version ?? null, deployedAt: a?.deployed_at ?? null, unprocessed: (count.get(model, since) as { n: number }).n };
    });
  }
}
