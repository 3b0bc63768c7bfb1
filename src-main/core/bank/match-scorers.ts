// The two kinds of candidate scorer: version 0, rule-based (hand-set weights over the match features:
// a named invoice and an exact amount count most, a known payer IBAN or name next, a second invoice
// named elsewhere or a payment before the invoice existed count against), used until enough
// confirmations exist; and a logistic regression trained on the user's confirmed and rejected
// matches (standardised features, L2-regularised, fitted by Newton's method — a few dozen weights,
// calibrated probabilities, fast to apply to every candidate). Both serialise to the same artifact.
import { InputError } from '../errors';
import { F, MATCH_FEATURES, MATCH_FEATURE_COUNT } from './match-features';
import type { CandidateScorer } from './payment-matcher';

export const MATCHER_ARTIFACT_FORMAT = 'openfatture.payment-matcher/1';

export interface MatcherArtifact {
  format: typeof MATCHER_ARTIFACT_FORMAT;
  kind: 'rules' | 'logistic';
  featureNames: string[];
  /** Per-feature centre and scale applied before the weights. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  trainingRows: number;
  positives: number;
  /** Ridge penalty used in training (0 for the rules). */
  l2: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export class LinearScorer implements CandidateScorer {
  private readonly w: Float64Array;
  private readonly m: Float64Array;
  private readonly s: Float64Array;

  constructor(
    readonly artifact: MatcherArtifact,
    readonly version: string,
  ) {
    this.w = Float64Array.from(artifact.weights);
    this.m = Float64Array.from(artifact.mean);
    this.s = Float64Array.from(artifact.scale);
  }

  score(features: Float64Array): number {
    let z = this.artifact.bias;
    for (let j = 0; j < this.w.length; j++) z += this.w[j]! * ((features[j]! - this.m[j]!) / this.s[j]!);
    return sigmoid(z);
  }
}

/** Version 0: hand-set weights, no training. */
export function ruleArtifact(): MatcherArtifact {
  const w = new Array<number>(MATCH_FEATURE_COUNT).fill(0);
  w[F.amount_exact] = 2.5;
  w[F.amount_within_fee] = 1.2;
  w[F.fee_euro_log] = -0.4;
  w[F.is_partial] = -1.8;
  w[F.is_combined] = -0.8;
  w[F.number_score] = 3.5;
  w[F.number_all_named] = 1.5;
  w[F.number_rel_best] = 2;
  w[F.other_invoice_named] = -2;
  w[F.payer_name_score] = 1.5;
  w[F.text_name_score] = 1;
  w[F.name_rel_best] = 1;
  w[F.iban_known] = 2;
  w[F.iban_other_client] = -1;
  w[F.due_distance] = -0.25;
  w[F.before_issue] = -3;
  w[F.same_amount_open_log] = -1;
  w[F.oldest_open] = 0.5;
  w[F.no_evidence] = -1.5;
  return {
    format: MATCHER_ARTIFACT_FORMAT,
    kind: 'rules',
    featureNames: [...MATCH_FEATURES],
    mean: new Array<number>(MATCH_FEATURE_COUNT).fill(0),
    scale: new Array<number>(MATCH_FEATURE_COUNT).fill(1),
    weights: w,
    bias: -3,
    trainingRows: 0,
    positives: 0,
    l2: 0,
  };
}

export function ruleScorer(version = '0.0.0'): LinearScorer {
  return new LinearScorer(ruleArtifact(), version);
}

export interface LabelledCandidate {
  features: Float64Array | readonly number[];
  label: 0 | 1;
}

export interface LogisticOptions {
  l2?: number;
  maxIterations?: number;
}

/** Solves A x = b (A symmetric positive definite, d×d row-major) by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      if (i === j) L[i * d + i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i * d + j] = s / L[j * d + j]!;
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * d + k]! * y[k]!;
    y[i] = s / L[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= L[k * d + i]! * x[k]!;
    x[i] = s / L[i * d + i]!;
  }
  return x;
}

/** Fits a logistic regression over candidate pairs; `onIteration` reports Newton steps. */
export function trainLogistic(rows: readonly LabelledCandidate[], options: LogisticOptions = {}, onIteration?: (done: number, total: number) => void): MatcherArtifact {
  const l2 = options.l2 ?? 1;
  const maxIt = options.maxIterations ?? 50;
  const n = rows.length;
  const positives = rows.filter((r) => r.label === 1).length;
  if (n === 0 || positives === 0 || positives === n) {
    throw new InputError(`training needs confirmed and rejected candidates, got ${positives} confirmed of ${n}`, 'training');
  }
  const dF = MATCH_FEATURE_COUNT;
  for (const r of rows) if (r.features.length !== dF) throw new InputError(`training: expected ${dF} features per candidate, got ${r.features.length}`, 'training');
  const mean = new Array<number>(dF).fill(0);
  const scale = new Array<number>(dF).fill(0);
  for (const r of rows) for (let j = 0; j < dF; j++) mean[j]! += r.features[j]! / n;
  for (const r of rows) for (let j = 0; j < dF; j++) scale[j]! += (r.features[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < dF; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  // Design matrix with a leading 1 for the bias.
  const d = dF + 1;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  rows.forEach((r, i) => {
    X[i * d] = 1;
    for (let j = 0; j < dF; j++) X[i * d + 1 + j] = (r.features[j]! - mean[j]!) / scale[j]!;
    y[i] = r.label;
  });
  const w = new Float64Array(d);
  w[0] = Math.log(positives / (n - positives));
  // Penalised negative log-likelihood, for the step-halving line search that keeps Newton from
  // overshooting on nearly separable data.
  const loss = (wt: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += wt[j]! * X[off + j]!;
      // log(1 + e^z) − y z, computed without overflow.
      sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i]! * z;
    }
    for (let j = 1; j < d; j++) sum += 0.5 * l2 * wt[j]! * wt[j]!;
    return sum;
  };
  let current = loss(w);
  for (let it = 0; it < maxIt; it++) {
    const g = new Float64Array(d);
    const H = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += w[j]! * X[off + j]!;
      const p = sigmoid(z);
      const r = p - y[i]!;
      const v = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        const xj = X[off + j]!;
        if (xj === 0) continue;
        g[j]! += r * xj;
        const vx = v * xj;
        for (let k = 0; k <= j; k++) H[j * d + k]! += vx * X[off + k]!;
      }
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) H[k * d + j] = H[j * d + k]!;
    for (let j = 1; j < d; j++) {
      g[j]! += l2 * w[j]!;
      H[j * d + j]! += l2;
    }
    const step = solveSpd(H, g, d);
    let t = 1;
    let next = new Float64Array(d);
    let nextLoss = Infinity;
    for (let halvings = 0; halvings < 30; halvings++, t /= 2) {
      next = w.map((wj, j) => wj - t * step[j]!);
      nextLoss = loss(next);
      if (nextLoss <= current) break;
    }
    onIteration?.(it + 1, maxIt);
    if (!(nextLoss <= current)) break;
    let biggest = 0;
    for (let j = 0; j < d; j++) biggest = Math.max(biggest, Math.abs(next[j]! - w[j]!));
    w.set(next);
    const improved = current - nextLoss;
    current = nextLoss;
    if (biggest < 1e-7 || improved < 1e-9 * Math.max(1, current)) break;
  }
  return {
    format: MATCHER_ARTIFACT_FORMAT,
    kind: 'logistic',
    featureNames: [...MATCH_FEATURES],
    mean,
    scale,
    weights: Array.from(w.subarray(1)),
    bias: w[0]!,
    trainingRows: n,
    positives,
    l2,
  };
}

export function serializeMatcher(artifact: MatcherArtifact): string {
  return JSON.stringify(artifact);
}

/** Reads an artifact back, refusing one of another format or feature list (never misreads weights). */
export function loadMatcher(text: string, version: string): LinearScorer {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`payment matcher ${version}: the artifact is not JSON (${(e as Error).message})`, 'artifact');
  }
  const a = raw as Partial<MatcherArtifact>;
  if (a.format !== MATCHER_ARTIFACT_FORMAT) throw new InputError(`payment matcher ${version}: unknown artifact format "${String(a.format)}"`, 'artifact');
  const names = MATCH_FEATURES as readonly string[];
  if (!Array.isArray(a.featureNames) || a.featureNames.length !== names.length || a.featureNames.some((n, i) => n !== names[i])) {
    throw new InputError(`payment matcher ${version}: trained on other features (${String(a.featureNames?.length)}), retrain it`, 'artifact');
  }
  for (const key of ['mean', 'scale', 'weights'] as const) {
    const v = a[key];
    if (!Array.isArray(v) || v.length !== names.length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new InputError(`payment matcher ${version}: ${key} is not ${names.length} finite numbers`, 'artifact');
  }
  if (typeof a.bias !== 'number' || !Number.isFinite(a.bias)) throw new InputError(`payment matcher ${version}: bias is not a finite number`, 'artifact');
  if (a.scale!.some((s) => s === 0)) throw new InputError(`payment matcher ${version}: a feature scale is 0`, 'artifact');
  return new LinearScorer(a as MatcherArtifact, version);
}
