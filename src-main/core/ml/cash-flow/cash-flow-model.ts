// CashFlowModel: a seeded random forest (ml-random-forest, with the patched O(n log n) ml-cart split
// search) that predicts days from issue to full payment, with a P10–P90 interval from the spread of
// the individual trees. Pure and runtime-agnostic: the worker trains it, anyone can load and predict.
import { RandomForestRegression } from 'ml-random-forest';
import { InputError } from '../../errors';
import { FEATURE_COUNT, FEATURE_NAMES, termsDaysOf } from './training-set';

export interface CashFlowTrainOptions {
  nEstimators?: number;
  maxDepth?: number;
  /** A node with this many rows or fewer becomes a leaf. */
  minNumSamples?: number;
  seed?: number;
}

export type ResolvedTrainOptions = Required<CashFlowTrainOptions>;

// Depth 10 and leaves of ≥10 rows: on the demo backtest as accurate as depth 12 / 5 rows (MAE within 0.2%), at a third of the training time.
export const DEFAULT_TRAIN_OPTIONS: ResolvedTrainOptions = { nEstimators: 50, maxDepth: 10, minNumSamples: 10, seed: 42 };

export interface TrainExample {
  features: readonly number[];
  target: number;
}

export interface CashFlowPrediction {
  /** Expected days from issue to full payment (mean of the trees). */
  days: number;
  p10: number;
  p90: number;
}

export interface TrainProgress {
  step: 'train';
  current: number;
  total: number;
}

export interface CashFlowArtifact {
  format: 'openfatture.cash-flow/1';
  featureNames: string[];
  options: ResolvedTrainOptions;
  trainingRows: number;
  /** The forest learns lateness (days past the due date); predictions add the terms back. */
  target: 'days-after-due';
  forest: unknown;
}

interface TreeJson {
  splitColumn?: number;
  numberSamples?: number;
  left?: TreeJson;
  right?: TreeJson;
}

/** The parts of ml-random-forest's RandomForestRegression we use (its bundled types lack the patched train callback). */
interface ForestWithValues {
  predictionValues(x: number[][]): { rows: number; getRow(i: number): number[] };
  toJSON(): unknown;
  train(x: number[][], y: number[], onEstimator?: (done: number, total: number) => void): void;
}

function checkOptions(options: CashFlowTrainOptions): ResolvedTrainOptions {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const int = (k: keyof ResolvedTrainOptions, min: number, max: number) => {
    const v = o[k];
    if (!Number.isInteger(v) || v < min || v > max) throw new InputError(`${k}: must be an integer between ${min} and ${max}, got ${v}`, k);
  };
  int('nEstimators', 1, 1000);
  int('maxDepth', 1, 64);
  int('minNumSamples', 1, 100_000);
  int('seed', -(2 ** 31), 2 ** 31 - 1);
  return o;
}

function checkFeatures(features: readonly number[], where: string): void {
  if (features.length !== FEATURE_COUNT) throw new InputError(`${where}: expected ${FEATURE_COUNT} features, got ${features.length}`, where);
  for (let j = 0; j < features.length; j++) {
    if (!Number.isFinite(features[j])) throw new InputError(`${where}.${FEATURE_NAMES[j]}: not a finite number (${features[j]})`, where);
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export class CashFlowModel {
  private constructor(
    private readonly forest: ForestWithValues,
    readonly options: ResolvedTrainOptions,
    readonly trainingRows: number,
  ) {}

  /** Trains on `rows` (features + days to payment). Synchronous and CPU-bound: call it from the worker. */
  static train(rows: readonly TrainExample[], options: CashFlowTrainOptions = {}, onProgress?: (p: TrainProgress) => void): CashFlowModel {
    const o = checkOptions(options);
    if (rows.length < 2) throw new InputError(`rows: need at least 2 training rows, got ${rows.length}`, 'rows');
    const x: number[][] = [];
    const y: number[] = [];
    rows.forEach((r, i) => {
      checkFeatures(r.features, `rows[${i}].features`);
      if (!Number.isFinite(r.target)) throw new InputError(`rows[${i}].target: not a finite number (${r.target})`, `rows[${i}].target`);
      x.push([...r.features]);
      y.push(r.target - termsDaysOf(r.features));
    });
    const forest = new RandomForestRegression({
      nEstimators: o.nEstimators,
      seed: o.seed,
      maxFeatures: 1.0,
      replacement: false,
      useSampleBagging: true,
      // Out-of-bag scoring is slow and crashes with few trees (see ENVIRONMENT.md); we evaluate on held-out rows instead.
      noOOB: true,
      treeOptions: { maxDepth: o.maxDepth, minNumSamples: o.minNumSamples },
    }) as unknown as ForestWithValues;
    forest.train(x, y, (done, total) => onProgress?.({ step: 'train', current: done, total }));
    return new CashFlowModel(forest, o, rows.length);
  }

  static fromJSON(artifact: unknown): CashFlowModel {
    const a = artifact as Partial<CashFlowArtifact> | null;
    if (!a || typeof a !== 'object' || a.format !== 'openfatture.cash-flow/1') {
      throw new InputError('artifact: not a cash-flow model (missing or unknown "format")', 'artifact');
    }
    if (!Array.isArray(a.featureNames) || a.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
      throw new InputError('artifact.featureNames: the model was trained on a different feature set; retrain it', 'artifact.featureNames');
    }
    const options = checkOptions(a.options ?? {});
    const forest = RandomForestRegression.load(a.forest as never) as unknown as ForestWithValues;
    return new CashFlowModel(forest, options, Number(a.trainingRows) || 0);
  }

  toJSON(): CashFlowArtifact {
    return {
      format: 'openfatture.cash-flow/1',
      featureNames: [...FEATURE_NAMES],
      options: this.options,
      trainingRows: this.trainingRows,
      target: 'days-after-due',
      forest: this.forest.toJSON(),
    };
  }

  predict(featureRows: readonly (readonly number[])[]): CashFlowPrediction[] {
    if (!featureRows.length) return [];
    featureRows.forEach((f, i) => checkFeatures(f, `features[${i}]`));
    const values = this.forest.predictionValues(featureRows.map((f) => [...f]));
    return featureRows.map((f, i) => {
      const perTree = values.getRow(i);
      const mean = perTree.reduce((s, v) => s + v, 0) / perTree.length;
      const sorted = [...perTree].sort((a, b) => a - b);
      const terms = termsDaysOf(f);
      // Payment cannot precede issue: clamp at day 0.
      const days = Math.max(0, terms + mean);
      return { days, p10: Math.max(0, Math.min(days, terms + quantile(sorted, 0.1))), p90: Math.max(days, terms + quantile(sorted, 0.9)) };
    });
  }

  /**
   * Share of training rows routed by each feature's splits, summed over every tree and normalised to 1.
   * (ml-cart stores the children's squared error as a node's "gain", not the decrease, so we weigh
   * splits by the rows they route instead.)
   */
  featureImportance(): Record<string, number> {
    const json = this.forest.toJSON() as { baseModel: { indexes: number[][]; estimators: { root: TreeJson }[] } };
    const totals = new Array<number>(FEATURE_COUNT).fill(0);
    json.baseModel.estimators.forEach((est, t) => {
      const columns = json.baseModel.indexes[t]!;
      const walk = (node: TreeJson | undefined): void => {
        if (!node || !node.left || !node.right || node.splitColumn === undefined) return;
        totals[columns[node.splitColumn]!]! += node.numberSamples ?? 0;
        walk(node.left);
        walk(node.right);
      };
      walk(est.root);
    });
    const sum = totals.reduce((s, v) => s + v, 0) || 1;
    return Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, totals[i]! / sum]));
  }
}
