import 'server-only';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, promptIdSchema } from '@/lib/loom/core';
import { parseExperiment, type Experiment } from '@/lib/loom/optimizer';
import { planSampleSize } from '@/components/experiments/plan';
import type {
  ExperimentPhase,
  ExperimentSettings,
  ExperimentSummaryView,
  PromotionView,
} from '@/components/experiments/types';
import { writeAudit } from '../audit';
import { can } from '../auth/permissions';
import type { Viewer } from '../auth/session';
import { createStudioRegistry } from '../loom';
import { forgetLiveExperiment } from './live';

export type Actor = Pick<Viewer, 'workspaceId' | 'userId' | 'email' | 'role'>;

/** More arms split the traffic and the alpha (Bonferroni) so thinly that tests never finish. */
export const MAX_VARIANTS = 5;
export const MAX_STOP_REASON = 500;

const percent = (what: string, min: number, max: number) =>
  z
    .number({ error: `Enter ${what} as a number.` })
    .min(min, `${what} must be between ${min}% and ${max}%.`)
    .max(max, `${what} must be between ${min}% and ${max}%.`);
const optionalLimit = (what: string) =>
  z
    .number({ error: `Enter the ${what} limit as a number.` })
    .positive(`The ${what} limit must be above 0.`)
    .nullable();

export const experimentSetupSchema = z
  .object({
    promptId: promptIdSchema,
    name: z.string().trim().min(1, 'Name the experiment.').max(100, 'Keep the name under 100 characters.'),
    /** The first is the control. */
    variants: z
      .array(
        z.object({
          version: z.number({ error: 'Pick a version.' }).int().positive('Pick a version.'),
          weight: z.number({ error: 'Enter a weight.' }).min(0, 'Weights cannot be negative.'),
        }),
      )
      .min(2, 'An experiment needs a control and at least one challenger.')
      .max(MAX_VARIANTS, `At most ${MAX_VARIANTS} variants.`),
    trafficPercent: z
      .number({ error: 'Enter the traffic share as a number.' })
      .gt(0, 'The traffic share must be above 0% and at most 100%.')
      .max(100, 'The traffic share must be above 0% and at most 100%.'),
    metric: z.object({ kind: z.enum(['binary', 'numeric']), goal: z.enum(['increase', 'decrease']) }),
    /** Binary: the control's conversion rate in percent; numeric: its mean. */
    baseline: z.number({ error: 'Enter the baseline as a number.' }),
    standardDeviation: z.number().positive('The standard deviation must be above 0.').nullable(),
    minimumDetectableEffectPercent: percent('The minimum detectable effect', 0.1, 1000),
    powerPercent: percent('Power', 50.1, 99.9),
    confidencePercent: z.union([z.literal(90), z.literal(95), z.literal(99)], {
      error: 'Pick 90%, 95% or 99% confidence.',
    }),
    minSamplesPerArm: z
      .number({ error: 'Enter the minimum sample as a whole number.' })
      .int('Enter the minimum sample as a whole number.')
      .min(10, 'At least 10 samples per arm before any verdict.')
      .max(10_000_000, 'At most 10,000,000 samples per arm.'),
    guardrails: z.object({
      latencyP95Ms: optionalLimit('latency p95'),
      costPerCallUsd: optionalLimit('cost per call'),
      errorRatePercent: percent('The error rate limit', 0, 100).nullable(),
    }),
    autoPromote: z.boolean(),
  })
  .superRefine((input, ctx) => {
    const total = input.variants.reduce((sum, variant) => sum + variant.weight, 0);
    if (!(total > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: 'The weights must add up to more than 0.',
      });
    }
    const seen = new Set<number>();
    input.variants.forEach((variant, index) => {
      if (seen.has(variant.version)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', index, 'version'],
          message: `Version ${variant.version} is already a variant.`,
        });
      }
      seen.add(variant.version);
    });
    if (input.metric.kind === 'binary' && !(input.baseline > 0 && input.baseline < 100)) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseline'],
        message: 'The baseline conversion rate must be between 0% and 100%.',
      });
    }
    if (input.metric.kind === 'numeric') {
      if (input.baseline === 0)
        ctx.addIssue({ code: 'custom', path: ['baseline'], message: 'The baseline mean cannot be 0.' });
      if (input.standardDeviation === null)
        ctx.addIssue({
          code: 'custom',
          path: ['standardDeviation'],
          message: 'Enter the standard deviation of the value per unit.',
        });
    }
  });
export type ExperimentSetupInput = z.infer<typeof experimentSetupSchema>;

/** Samples per arm the sequential test needs to find the minimum detectable effect with the power asked. */
export function planFor(input: ExperimentSetupInput): number {
  return planSampleSize({ ...input, variantCount: input.variants.length });
}

const PHASE_TO_LOOM: Record<ExperimentPhase, Experiment['status']> = {
  draft: 'draft',
  running: 'running',
  paused: 'stopped',
  stopped: 'stopped',
  completed: 'completed',
};

type Row = Prisma.ExperimentDefinitionGetPayload<object>;

export function toSummary(row: Row, exposures = 0): ExperimentSummaryView {
  const experiment = parseExperiment(row.definition);
  const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
  return {
    id: row.id,
    name: row.name || row.id,
    promptId: row.promptId,
    phase: row.status as ExperimentPhase,
    metric: experiment.metric,
    variants: experiment.variants.map((variant) => ({ ...variant, share: variant.weight / total })),
    trafficShare: row.trafficShare,
    plannedSamplesPerArm: experiment.plannedSamplesPerArm,
    minSamplesPerArm: experiment.minSamplesPerArm,
    confidence: experiment.confidence,
    autoPromote: row.autoPromote,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    endReason: row.endReason,
    promotion: (row.promotion as PromotionView | null) ?? null,
    exposures,
  };
}

export function readSettings(row: Row): ExperimentSettings {
  return row.settings as unknown as ExperimentSettings;
}

function assertMay(actor: Actor, permission: 'write' | 'promote' | 'manage', doing: string): void {
  if (!can(actor.role, permission))
    throw new LoomError('FORBIDDEN', `Your role (${actor.role}) may not ${doing}.`, { permission });
}

/** The experiment row, or NOT_FOUND naming it. */
export async function getExperimentRow(
  db: PrismaClient | Prisma.TransactionClient,
  workspaceId: string,
  id: string,
) {
  const row = await db.experimentDefinition.findUnique({ where: { workspaceId_id: { workspaceId, id } } });
  if (!row) throw new LoomError('NOT_FOUND', `Experiment "${id}" not found.`, { experimentId: id });
  return row;
}

async function assertVersionsExist(
  db: PrismaClient,
  workspaceId: string,
  promptId: string,
  versions: number[],
): Promise<void> {
  const known = new Set(
    (await createStudioRegistry(db, workspaceId).listVersions(promptId)).map((v) => v.version),
  );
  const issues = versions.flatMap((version, index) =>
    known.has(version)
      ? []
      : [{ path: `variants.${index}.version`, message: `Prompt "${promptId}" has no version ${version}.` }],
  );
  if (issues.length > 0)
    throw new LoomError('INVALID_INPUT', 'Every variant must be a version of the prompt.', { issues });
}

function definitionFor(id: string, input: ExperimentSetupInput, status: Experiment['status']): Experiment {
  return parseExperiment({
    id,
    promptId: input.promptId,
    variants: input.variants.map((variant) => ({ name: `v${variant.version}`, ...variant })),
    metric: input.metric,
    minSamplesPerArm: input.minSamplesPerArm,
    confidence: input.confidencePercent / 100,
    plannedSamplesPerArm: planFor(input),
    status,
  });
}

function settingsFor(input: ExperimentSetupInput): ExperimentSettings {
  return {
    baseline: input.metric.kind === 'binary' ? input.baseline / 100 : input.baseline,
    standardDeviation: input.metric.kind === 'numeric' ? input.standardDeviation : null,
    minimumDetectableEffect: input.minimumDetectableEffectPercent / 100,
    power: input.powerPercent / 100,
    guardrails: {
      latencyP95Ms: input.guardrails.latencyP95Ms,
      costPerCallUsd: input.guardrails.costPerCallUsd,
      errorRate: input.guardrails.errorRatePercent === null ? null : input.guardrails.errorRatePercent / 100,
    },
  };
}

export const experimentSubject = (id: string) => `experiment:${id}`;

/** Creates a draft; it serves nothing until started. Auto-promote is for admins only. */
export async function createExperiment(
  db: PrismaClient,
  actor: Actor,
  input: ExperimentSetupInput,
): Promise<ExperimentSummaryView> {
  assertMay(actor, 'write', 'create experiments');
  if (input.autoPromote) assertMay(actor, 'manage', 'turn on auto-promote (admins only)');
  await assertVersionsExist(
    db,
    actor.workspaceId,
    input.promptId,
    input.variants.map((v) => v.version),
  );
  const id = `exp-${randomBytes(5).toString('hex')}`;
  const definition = definitionFor(id, input, 'draft');
  const now = new Date();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.experimentDefinition.create({
      data: {
        workspaceId: actor.workspaceId,
        id,
        promptId: input.promptId,
        status: 'draft',
        definition: definition as unknown as Prisma.InputJsonValue,
        createdAt: now,
        updatedAt: now,
        name: input.name,
        trafficShare: input.trafficPercent / 100,
        settings: settingsFor(input) as unknown as Prisma.InputJsonValue,
        autoPromote: input.autoPromote,
        createdBy: actor.email,
      },
    });
    await writeAudit(tx, actor, 'experiment.create', experimentSubject(id), {
      promptId: input.promptId,
      name: input.name,
      variants: definition.variants,
    });
    return created;
  });
  return toSummary(row);
}

/** Replaces a draft's setup; a started experiment's variants and split are fixed (CONFLICT). */
export async function updateExperiment(
  db: PrismaClient,
  actor: Actor,
  id: string,
  input: ExperimentSetupInput,
): Promise<ExperimentSummaryView> {
  assertMay(actor, 'write', 'edit experiments');
  const row = await getExperimentRow(db, actor.workspaceId, id);
  if (row.status !== 'draft') {
    throw new LoomError(
      'CONFLICT',
      `Experiment "${row.name || id}" is ${row.status}: its variants and split cannot change once started. Stop it and create a new one.`,
      { experimentId: id, status: row.status },
    );
  }
  if (input.promptId !== row.promptId)
    throw new LoomError('INVALID_INPUT', 'An experiment stays on its prompt.', {
      issues: [{ path: 'promptId', message: `expected "${row.promptId}"` }],
    });
  if (input.autoPromote && !row.autoPromote) assertMay(actor, 'manage', 'turn on auto-promote (admins only)');
  await assertVersionsExist(
    db,
    actor.workspaceId,
    input.promptId,
    input.variants.map((v) => v.version),
  );
  const updated = await db.experimentDefinition.updateMany({
    where: { workspaceId: actor.workspaceId, id, status: 'draft' },
    data: {
      definition: definitionFor(id, input, 'draft') as unknown as Prisma.InputJsonValue,
      name: input.name,
      trafficShare: input.trafficPercent / 100,
      settings: settingsFor(input) as unknown as Prisma.InputJsonValue,
      autoPromote: input.autoPromote,
      updatedAt: new Date(),
    },
  });
  if (updated.count === 0)
    throw new LoomError('CONFLICT', `Experiment "${id}" was started meanwhile; its variants are fixed.`);
  return toSummary(await getExperimentRow(db, actor.workspaceId, id));
}

export type LifecycleAction = 'start' | 'pause' | 'resume' | 'stop';

const TRANSITIONS: Record<LifecycleAction, { from: ExperimentPhase[]; to: ExperimentPhase }> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  stop: { from: ['running', 'paused'], to: 'stopped' },
};

function isLiveExperimentConflict(error: unknown): boolean {
  return (
    (error instanceof Prisma.PrismaClientKnownRequestError &&
      error.code === 'P2002' &&
      JSON.stringify(error.meta ?? {}).includes('one_live_per_prompt')) ||
    (error instanceof Error && error.message.includes('one_live_per_prompt'))
  );
}

/**
 * Start, pause, resume or stop (stop needs a reason). Needs the promote permission: a running
 * experiment decides what production callers get. One live experiment per prompt is enforced by a
 * partial unique index, so two concurrent starts cannot both win.
 */
export async function changeExperimentPhase(
  db: PrismaClient,
  actor: Actor,
  input: { id: string; action: LifecycleAction; reason?: string },
): Promise<ExperimentSummaryView> {
  assertMay(actor, 'promote', `${input.action} experiments`);
  const reason = input.reason?.trim();
  if (input.action === 'stop' && !reason)
    throw new LoomError('INVALID_INPUT', 'Say why the experiment stops.', {
      issues: [{ path: 'reason', message: 'Say why the experiment stops.' }],
    });
  const row = await getExperimentRow(db, actor.workspaceId, input.id);
  const transition = TRANSITIONS[input.action];
  if (!transition.from.includes(row.status as ExperimentPhase)) {
    throw new LoomError(
      'CONFLICT',
      `Experiment "${row.name || row.id}" is ${row.status}; only a ${transition.from.join(' or ')} experiment can ${input.action}.`,
      { experimentId: row.id, status: row.status },
    );
  }
  const definition = { ...parseExperiment(row.definition), status: PHASE_TO_LOOM[transition.to] };
  const now = new Date();
  try {
    await db.$transaction(async (tx) => {
      const updated = await tx.experimentDefinition.updateMany({
        where: { workspaceId: actor.workspaceId, id: row.id, status: row.status },
        data: {
          status: transition.to,
          definition: definition as unknown as Prisma.InputJsonValue,
          updatedAt: now,
          ...(input.action === 'start' ? { startedAt: now } : {}),
          ...(input.action === 'stop' ? { endedAt: now, endReason: reason ?? null } : {}),
        },
      });
      if (updated.count === 0)
        throw new LoomError('CONFLICT', `Experiment "${row.id}" changed meanwhile; reload and try again.`);
      await writeAudit(tx, actor, `experiment.${input.action}`, experimentSubject(row.id), {
        promptId: row.promptId,
        ...(reason ? { reason } : {}),
      });
    });
  } catch (error) {
    if (isLiveExperimentConflict(error)) {
      const live = await db.experimentDefinition.findFirst({
        where: {
          workspaceId: actor.workspaceId,
          promptId: row.promptId,
          status: { in: ['running', 'paused'] },
        },
        select: { id: true, name: true, status: true },
      });
      throw new LoomError(
        'CONFLICT',
        `Prompt "${row.promptId}" already has a ${live?.status ?? 'running'} experiment${live ? ` ("${live.name || live.id}")` : ''}; stop it first.`,
        { promptId: row.promptId, ...(live ? { experimentId: live.id } : {}) },
      );
    }
    throw error;
  }
  // Serving sees the new phase at once in this process, and with Redis on every instance.
  await forgetLiveExperiment(actor.workspaceId, row.promptId);
  return toSummary(await getExperimentRow(db, actor.workspaceId, row.id));
}

const PHASE_ORDER: Record<ExperimentPhase, number> = {
  running: 0,
  paused: 1,
  draft: 2,
  stopped: 3,
  completed: 4,
};

/** The workspace's experiments (or one prompt's), running first, then newest first. */
export async function listExperiments(
  db: PrismaClient,
  workspaceId: string,
  options: { promptId?: string } = {},
): Promise<ExperimentSummaryView[]> {
  const rows = await db.experimentDefinition.findMany({
    where: { workspaceId, ...(options.promptId ? { promptId: options.promptId } : {}) },
    orderBy: { createdAt: 'desc' },
    take: 500,
  });
  const counts = await db.experimentDailyStat.groupBy({
    by: ['experimentId'],
    where: { workspaceId, experimentId: { in: rows.map((row) => row.id) } },
    _sum: { exposures: true },
  });
  const exposures = new Map(counts.map((c) => [c.experimentId, Number(c._sum.exposures ?? 0)]));
  return rows
    .map((row) => toSummary(row, exposures.get(row.id) ?? 0))
    .sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase]);
}
