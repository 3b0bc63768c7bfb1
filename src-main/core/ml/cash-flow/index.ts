// Public API of the cash-flow model: training data and features, the model, and its worker jobs.
export { buildForecastRows, buildTrainingSet, featureMatrix, featuresKnownBefore, FEATURE_COUNT, FEATURE_NAMES, featureIndex, termsDaysOf } from './training-set';
export type { FeatureName, ForecastRow, TrainingRow, TrainingSetFilter } from './training-set';
export { CashFlowModel, givenUnpaidAfter } from './cash-flow-model';
export type { CashFlowArtifact, CashFlowPrediction, CashFlowTrainOptions, TrainExample, TrainProgress } from './cash-flow-model';
export { predictCashFlowInWorker, trainCashFlowInWorker } from './cash-flow-jobs';
export type { CashFlowTrainJobArgs, CashFlowTrainJobResult } from './cash-flow-jobs';
