import 'server-only';
import { z } from 'zod';
import {
  containsSchema,
  exactMatchSchema,
  jsonSchemaEvaluatorSchema,
  MAX_JUDGE_SAMPLES,
  regexSchema,
  validJsonSchema,
} from '@/lib/loom/evaluator';
import { providerNameSchema } from '../providers';

// A suite's evaluators as the studio stores them (SuiteRevision.evaluators). The deterministic
// kinds are loom's own configs; the LLM judge differs from loom's llmJudge in one way: its rubric
// is a prompt of the registry (edited, diffed and promoted like any prompt), referenced here and
// resolved to a version when a run starts.

/**
 * Variables a rubric prompt must declare: the case's input (JSON) and the output being judged. It
 * may also declare `expected` (the case's expected answer).
 */
export const JUDGE_REQUIRED_VARIABLES = ['input', 'actual'] as const;

export const judgeEvaluatorSchema = z.strictObject({
  kind: z.literal('llmJudge'),
  name: z.string().min(1).max(100).optional(),
  /** The registry id of the rubric prompt. */
  rubricPromptId: z.string().min(1).max(100),
  /** A version number, or the version the rubric's production label points at when a run starts. */
  rubricVersion: z.union([z.number().int().positive(), z.literal('production')]).default('production'),
  /** Defaults to the rubric prompt's own model settings. */
  provider: providerNameSchema.optional(),
  model: z.string().trim().min(1).max(200).optional(),
  /** Normalised score needed to pass. */
  threshold: z.number().min(0).max(1).default(0.7),
  /** Judge calls per case; a majority of passing samples passes. */
  samples: z.number().int().min(1).max(MAX_JUDGE_SAMPLES).default(1),
});
export type JudgeEvaluatorConfig = z.infer<typeof judgeEvaluatorSchema>;

export const suiteEvaluatorSchema = z.discriminatedUnion('kind', [
  exactMatchSchema,
  containsSchema,
  regexSchema,
  validJsonSchema,
  jsonSchemaEvaluatorSchema,
  judgeEvaluatorSchema,
]);
export type SuiteEvaluatorConfig = z.infer<typeof suiteEvaluatorSchema>;
export type SuiteEvaluatorConfigInput = z.input<typeof suiteEvaluatorSchema>;

export const suiteEvaluatorsSchema = z
  .array(suiteEvaluatorSchema)
  .min(1, 'Add at least one evaluator.')
  .max(20);
