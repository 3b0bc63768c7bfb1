// FeedbackAnalyzer: statistics over any period. Totals, ratings, thumbs, corrections and weekly
// trends come from the per-day rollup (feedback_daily, kept by triggers), the grouped patterns from
// partial indexes on the normalised text, so a million rows answer in well under a second.
import type BetterSqlite3 from 'better-sqlite3';
import { addDays, isIsoDate, startOfWeek, todayIso } from '../dates';
import { InputError } from '../errors';
import { SqlRunner } from '../db/sql-runner';
import { MODEL_NAMES } from '../ml/registry/model-names';
import { ModelVersionRepository } from '../ml/registry/model-version-repository';
import { FeedbackRepository } from './feedback-repository';
import { PredictionRepository } from './prediction-repository';

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

/** The Feedback page's shape of the statistics. */
export interface FeedbackDashboard {
  periodDays: number | null;
  total: number;
  byAgentType: { agentType: string; count: number }[];
  averageRating: number | null;
  thumbsUp: number;
  thumbsDown: number;
  thumbsUpRatio: number | null;
  corrections: number;
  correctionRate: number | null;
  weekly: { week: string; count: number; averageRating: number | null; thumbsUp: number; thumbsDown: number; corrections: number }[];
  topCorrectedQuestions: { question: string; count: number; lastAnswer: string; lastCorrection: string | null }[];
  lowRated: { question: string; count: number; averageRating: number | null }[];
  predictionAccuracy: { model: string; version: string | null; source: string; total: number; accurate: number; accuracy: number | null }[];
  unprocessed: { model: string; activeVersion: string | null; count: number }[];
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
  private readonly sql: SqlRunner;
  private readonly feedback: FeedbackRepository;
  private readonly predictions: PredictionRepository;
  private readonly versions: ModelVersionRepository;

  constructor(connection: BetterSqlite3.Database) {
    this.sql = SqlRunner.of(connection);
    this.feedback = new FeedbackRepository(connection);
    this.predictions = new PredictionRepository(connection);
    this.versions = new ModelVersionRepository(connection);
  }

  /** The Feedback page's figures, over the last `days` days or all time. */
  dashboard(days?: number): FeedbackDashboard {
    const s = this.stats(days ? { days } : {});
    return {
      periodDays: days ?? null,
      total: s.chat.total,
      byAgentType: s.chat.byAgentType.map((a) => ({ agentType: a.agentType, count: a.total })),
      averageRating: s.chat.avgRating,
      thumbsUp: s.chat.thumbsUp,
      thumbsDown: s.chat.thumbsDown,
      thumbsUpRatio: s.chat.thumbsUpRatio,
      corrections: s.chat.corrections,
      correctionRate: s.chat.correctionRate,
      weekly: s.weeklyTrend.map((w) => ({ week: w.weekStart, count: w.total, averageRating: w.avgRating, thumbsUp: w.thumbsUp, thumbsDown: w.thumbsDown, corrections: w.corrections })),
      topCorrectedQuestions: s.topCorrectedQuestions.map((p) => ({ question: p.example, count: p.count, lastAnswer: p.answer, lastCorrection: p.latestCorrection })),
      lowRated: s.lowRatedPatterns.map((p) => ({ question: p.example, count: p.count, averageRating: p.avgRating })),
      predictionAccuracy: s.predictions.byVersion.map((v) => ({ model: v.model, version: v.version, source: v.source, total: v.evaluated, accurate: v.accurate, accuracy: v.accuracy })),
      unprocessed: s.unprocessedSinceActive.map((u) => ({ model: u.model, activeVersion: u.activeVersion, count: u.unprocessed })),
    };
  }

  stats(period: StatsPeriod = {}): FeedbackStats {
    const { since, until } = resolvePeriod(period);
    const top = period.top ?? 10;
    // Timestamps compare as text: '2025-03-01' <= '2025-03-01T…' and the day after `until` bounds it.
    const from = since ?? '';
    const to = until ? addDays(until, 1) : '9999-12-31';
    // One read transaction: every figure comes from the same snapshot.
    const r = this.sql.transaction(() => ({
      daily: this.feedback.dailyRollup(from, to),
      topCorrectedQuestions: this.patterns('corrected', from, to, top),
      lowRatedPatterns: this.patterns('low-rated', from, to, top),
      byVersion: this.accuracy(from, to),
      unprocessedSinceActive: this.unprocessed(),
    }));
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

  /** Groups by the normalised text through the matching partial index, then fetches one example per group. */
  private patterns(kind: 'corrected' | 'low-rated', from: string, to: string, top: number): QuestionPattern[] {
    return this.feedback.questionGroups(kind, from, to, top).map((g) => {
      const e = this.feedback.example(g.last_id)!;
      const avg = this.feedback.groupAverageRating(kind, g.key, from, to);
      return { key: g.key ?? '', example: e.user_input, answer: e.ai_response, count: g.n, latestCorrection: e.user_correction, avgRating: round(avg, 2), lastAt: e.created_at };
    });
  }

  private accuracy(from: string, to: string): AccuracyStats[] {
    return this.predictions.accuracy(from, to).map((r) => ({
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
    for (const name of this.versions.modelNames()) names.add(name);
    return [...names].sort().map((model) => {
      const a = this.versions.active(model);
      const since = a ? (a.deployed_at ?? a.created_at) : '';
      return { model, activeVersion: a?.version ?? null, deployedAt: a?.deployed_at ?? null, unprocessed: this.predictions.unconsumedCount(model, since) };
    });
  }
}
