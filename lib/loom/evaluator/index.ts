export {
  MAX_CASES,
  MAX_JUDGE_SAMPLES,
  containsSchema,
  evaluatorConfigSchema,
  evaluatorNameOf,
  exactMatchSchema,
  jsonSchemaEvaluatorSchema,
  llmJudgeSchema,
  parseSuite,
  regexSchema,
  suiteSchema,
  testCaseSchema,
  validJsonSchema,
  type EvaluatorConfig,
  type EvaluatorConfigInput,
  type EvaluatorKind,
  type Suite,
  type SuiteInput,
  type TestCase,
} from './suite';
export {
  compileEvaluators,
  type CompiledEvaluator,
  type EvaluatorOutcome,
  type JudgeSource,
  type Verdict,
} from './evaluators';
export {
  DEFAULT_JUDGE_RUBRIC,
  JUDGE_PROMPT_DATA,
  createLLMJudge,
  parseJudgeOutput,
  type Judgement,
  type JudgeRequest,
  type LLMJudge,
  type LLMJudgeOptions,
  type ParsedJudgement,
} from './judge';
export {
  mean,
  meanInterval,
  normalQuantile,
  stddev,
  tQuantile,
  wilsonInterval,
  type Interval,
} from './stats';
export {
  RUN_STATUSES,
  caseResultSchema,
  errorInfoSchema,
  evaluatorResultSchema,
  outputBlobSchema,
  suiteRunRecordSchema,
  runSummarySchema,
  summarizeRun,
  type CaseResult,
  type ErrorInfo,
  type EvaluatorResult,
  type OutputBlob,
  type SuiteRunRecord,
  type RunResult,
  type RunStatus,
  type RunSummary,
} from './results';
export { createMemoryRunStore, type RunStore } from './run-store';
export {
  OUTPUT_PREVIEW_CHARS,
  blobKeySegment,
  offloadLargeOutputs,
  outputPreview,
  readOffloadedOutput,
  type OffloadOptions,
} from './offload-outputs';
export {
  MAX_CONCURRENCY,
  runSuite,
  type PromptTarget,
  type RunProgress,
  type RunSuiteOptions,
  type SuiteTarget,
  type TargetFn,
} from './run-suite';
export { compareRuns, type CaseDelta, type CompareOptions, type RunComparison } from './compare';
export {
  mcnemarTest,
  pairedMeanDifference,
  type McNemarResult,
  type PairedMeanResult,
  type PairedOptions,
  type PairedVerdict,
} from './paired';
export {
  MIN_PAIRS_FOR_KAPPA,
  cohensKappa,
  readKappa,
  type AgreementPair,
  type AgreementTable,
  type KappaReading,
  type KappaResult,
} from './agreement';
