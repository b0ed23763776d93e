import { z } from 'zod';
import { LoomError, type LoomIssue } from '../core';

/** Runs are background jobs resumable case by case, and the run page pages its cases: 20,000 stays fast. */
export const MAX_CASES = 20_000;
/** Each judge sample is a paid LLM call. */
export const MAX_JUDGE_SAMPLES = 10;

const evaluatorName = z.string().min(1).max(100).optional();

export const exactMatchSchema = z.strictObject({
  kind: z.literal('exactMatch'),
  name: evaluatorName,
  /** Compared against instead of the case's `expected`. */
  value: z.string().optional(),
  trim: z.boolean().default(true),
  ignoreCase: z.boolean().default(false),
});

export const containsSchema = z.strictObject({
  kind: z.literal('contains'),
  name: evaluatorName,
  /** Without allOf/anyOf the case's `expected` must appear. */
  allOf: z.array(z.string().min(1)).optional(),
  anyOf: z.array(z.string().min(1)).min(1).optional(),
  ignoreCase: z.boolean().default(false),
});

export const regexSchema = z.strictObject({
  kind: z.literal('regex'),
  name: evaluatorName,
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[dimsuv]*$/, 'allowed flags: d i m s u v (g and y make matching stateful)')
    .default(''),
  /** Pass when the output does NOT match. */
  negate: z.boolean().default(false),
});

export const validJsonSchema = z.strictObject({
  kind: z.literal('validJson'),
  name: evaluatorName,
  /** Accept a reply wrapped in one Markdown code fence, as chat models often do. */
  allowCodeFence: z.boolean().default(false),
});

export const jsonSchemaEvaluatorSchema = z.strictObject({
  kind: z.literal('jsonSchema'),
  name: evaluatorName,
  schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]),
  allowCodeFence: z.boolean().default(false),
});

export const llmJudgeSchema = z.strictObject({
  kind: z.literal('llmJudge'),
  name: evaluatorName,
  /** What good looks like; the judge's default rubric when absent. */
  rubric: z.string().min(1).max(10_000).optional(),
  /** Normalised score needed to pass. */
  threshold: z.number().min(0).max(1).default(0.7),
  /** Judge calls per case; more than one reports the spread. */
  samples: z.number().int().min(1).max(MAX_JUDGE_SAMPLES).default(1),
});

export const evaluatorConfigSchema = z.discriminatedUnion('kind', [
  exactMatchSchema,
  containsSchema,
  regexSchema,
  validJsonSchema,
  jsonSchemaEvaluatorSchema,
  llmJudgeSchema,
]);
export type EvaluatorConfig = z.infer<typeof evaluatorConfigSchema>;
export type EvaluatorConfigInput = z.input<typeof evaluatorConfigSchema>;
export type EvaluatorKind = EvaluatorConfig['kind'];

export const testCaseSchema = z.strictObject({
  id: z.string().min(1).max(200),
  /** The target's variables. */
  input: z.record(z.string(), z.unknown()),
  expected: z.string().optional(),
  tags: z.array(z.string().min(1).max(50)).default([]),
});
export type TestCase = z.infer<typeof testCaseSchema>;

export const suiteSchema = z
  .strictObject({
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    cases: z.array(testCaseSchema).min(1).max(MAX_CASES),
    evaluators: z.array(evaluatorConfigSchema).min(1),
  })
  .superRefine((suite, ctx) => {
    const seenCases = new Set<string>();
    suite.cases.forEach((c, i) => {
      if (seenCases.has(c.id))
        ctx.addIssue({ code: 'custom', path: ['cases', i, 'id'], message: `duplicate case id "${c.id}"` });
      seenCases.add(c.id);
    });
    const seenNames = new Set<string>();
    suite.evaluators.forEach((e, i) => {
      const name = evaluatorNameOf(e, i, suite.evaluators);
      if (seenNames.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['evaluators', i, 'name'],
          message: `duplicate evaluator name "${name}"`,
        });
      }
      seenNames.add(name);
      if (needsExpected(e)) {
        suite.cases.forEach((c, j) => {
          if (c.expected === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['cases', j, 'expected'],
              message: `evaluator "${name}" compares with expected, which this case lacks`,
            });
          }
        });
      }
    });
  });
export type Suite = z.infer<typeof suiteSchema>;
export type SuiteInput = z.input<typeof suiteSchema>;

function needsExpected(config: EvaluatorConfig): boolean {
  return (
    (config.kind === 'exactMatch' && config.value === undefined) ||
    (config.kind === 'contains' && config.allOf === undefined && config.anyOf === undefined)
  );
}

/** An evaluator's result key: its `name`, else its kind (numbered when a kind repeats). */
export function evaluatorNameOf(
  config: EvaluatorConfig,
  index: number,
  all: readonly EvaluatorConfig[],
): string {
  if (config.name) return config.name;
  const sameKind = all.filter((c) => c.kind === config.kind && !c.name).length;
  return sameKind > 1 ? `${config.kind}#${index}` : config.kind;
}

function suiteIssues(error: z.ZodError): LoomIssue[] {
  return error.issues.flatMap((issue) =>
    // A typo such as `expect` for `expected` would otherwise be dropped silently: point at each key.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: `unknown field "${key}"` }))
      : [{ path: issue.path.join('.'), message: issue.message }],
  );
}

/** Validates a suite (e.g. parsed from YAML or a form); every problem is reported with its path. */
export function parseSuite(raw: unknown): Suite {
  const parsed = suiteSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid suite', { issues: suiteIssues(parsed.error) });
  }
  return parsed.data;
}
