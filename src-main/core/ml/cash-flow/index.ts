// Public API of the cash-flow model: training data and features, and the model (its worker jobs are
// the registry's: registry/serialized-model-jobs.ts).
export { buildForecastRows, buildTrainingSet, featureMatrix, featuresKnownBefore, FEATURE_COUNT, FEATURE_NAMES, featureIndex, termsDaysOf } from './training-set';
export type { FeatureName, ForecastRow, TrainingRow, TrainingSetFilter } from './training-set';
export { CashFlowModel, givenUnpaidAfter } from './cash-flow-model';
export type { CashFlowArtifact, CashFlowPrediction, CashFlowTrainOptions, TrainExample, TrainProgress } from './cash-flow-model';
