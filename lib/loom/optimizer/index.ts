export {
  variantSchema,
  metricSchema,
  experimentSchema,
  EXPERIMENT_STATUSES,
  parseExperiment,
  getVariant,
  type Variant,
  type Metric,
  type Experiment,
  type ExperimentInput,
  type ExperimentStatus,
} from './experiment';
export { assign, createAssigner, unitPosition, type Assigner } from './assign';
export {
  addOutcomes,
  createMemoryExperimentStore,
  parseExposure,
  parseOutcome,
  exposureSchema,
  outcomeSchema,
  variantConflict,
  type ArmTotals,
  type OutcomeBatch,
  type ExperimentStats,
  type ExperimentStore,
  type ExperimentStoreCallOptions,
  type Exposure,
  type Outcome,
} from './store';
export {
  analyze,
  SRM_P_VALUE,
  type Analysis,
  type ArmSummary,
  type Comparison,
  type SampleRatioCheck,
  type Verdict,
  type VerdictStatus,
} from './analyze';
export {
  mixtureSequentialTest,
  optimalMixingRatio,
  boundaryZ,
  type MixtureTestInput,
  type MixtureTestResult,
} from './sequential';
export {
  plannedSampleSize,
  plannedNumericSampleSize,
  sampleSizeInputSchema,
  numericSampleSizeInputSchema,
  type SampleSizeInput,
  type NumericSampleSizeInput,
} from './plan';
export { chiSquareSurvival, regularizedGammaQ, normalCdf, normalQuantile, lnGamma } from '../core/math';
export {
  promote,
  createExperimentRunner,
  type Promoter,
  type PromotionRequest,
  type PromoteOptions,
  type Promotion,
  type ExperimentRunner,
  type ExperimentRunnerOptions,
  type CallOptions,
} from './runner';
export {
  simulateBinaryExperiments,
  createRandom,
  binomial,
  type BinarySimulationInput,
  type SimulationResult,
} from './simulate';
