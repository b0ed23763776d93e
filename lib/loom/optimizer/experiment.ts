import { z } from 'zod';
import { LoomError, promptIdSchema, type LoomIssue } from '../core';

export const variantSchema = z.object({
  /** Stable arm name used in exposures, outcomes and verdicts. */
  name: z.string().min(1).max(100),
  /** The prompt version this arm serves. */
  version: z.number().int().positive(),
  /** Relative traffic share; weights are normalised by their sum, so 1/1 and 50/50 are the same split. */
  weight: z.number().min(0),
});
export type Variant = z.infer<typeof variantSchema>;

/** `goal` says which direction is better; `decrease` suits error rates or latency. */
export const metricSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('binary'), goal: z.enum(['increase', 'decrease']).default('increase') }),
  z.object({ kind: z.literal('numeric'), goal: z.enum(['increase', 'decrease']).default('increase') }),
]);
export type Metric = z.infer<typeof metricSchema>;

export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'completed'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export const experimentSchema = z
  .object({
    id: z.string().min(1).max(200),
    promptId: promptIdSchema,
    /** The first variant is the control every challenger is compared with. */
    variants: z.array(variantSchema).min(2, 'an experiment needs at least 2 variants'),
    metric: metricSchema,
    /** No verdict until every arm has this many samples. */
    minSamplesPerArm: z.number().int().positive().default(100),
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    /**
     * Samples per arm at which the sequential test is tuned to be most sensitive (see
     * `plannedSampleSize`). It shapes the test, so it must not change while the experiment runs.
     */
    plannedSamplesPerArm: z.number().int().positive().default(10_000),
    status: z.enum(EXPERIMENT_STATUSES).default('running'),
  })
  .superRefine((experiment, ctx) => {
    const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
    if (!(total > 0) || !Number.isFinite(total)) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: 'weights must sum to a positive finite number',
      });
    }
    const names = new Set<string>();
    const versions = new Set<number>();
    experiment.variants.forEach((variant, index) => {
      if (names.has(variant.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', index, 'name'],
          message: `duplicate variant name "${variant.name}"`,
        });
      }
      if (versions.has(variant.version)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', index, 'version'],
          message: `version ${variant.version} is already used by another variant`,
        });
      }
      names.add(variant.name);
      versions.add(variant.version);
    });
  });
export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;

/** Turns zod issues into LoomIssues with dotted paths such as `variants.1.weight`. */
export function toLoomIssues(error: z.ZodError): LoomIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Validates and fills defaults; throws INVALID_INPUT listing every problem. */
export function parseExperiment(input: unknown): Experiment {
  const parsed = experimentSchema.safeParse(input);
  if (!parsed.success) {
    throw new LoomError('INVALID_INPUT', 'Invalid experiment', { issues: toLoomIssues(parsed.error) });
  }
  return parsed.data;
}

/** The variant named `name`, or INVALID_INPUT naming the experiment's arms. */
export function getVariant(experiment: Experiment, name: string): Variant {
  const variant = experiment.variants.find((candidate) => candidate.name === name);
  if (!variant) {
    throw new LoomError('INVALID_INPUT', `Experiment "${experiment.id}" has no variant "${name}"`, {
      issues: [
        { path: 'variant', message: `expected one of ${experiment.variants.map((v) => v.name).join(', ')}` },
      ],
    });
  }
  return variant;
}
