import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import {
  analyze,
  mixtureSequentialTest,
  optimalMixingRatio,
  parseExperiment,
  type Analysis,
  type ArmSummary,
  type Experiment,
} from '@/lib/loom/optimizer';
import type {
  ExperimentResults,
  ExperimentSummaryView,
  GuardrailLimits,
  GuardrailRow,
  VariantResult,
  VariantStatus,
} from '@/components/experiments/types';
import { can } from '../auth/permissions';
import type { Viewer } from '../auth/session';
import { loadDailyStats, statsFrom, type DailyStat } from './daily-stats';
import { getExperimentRow, readSettings, toSummary } from './setup';

export interface GuardrailTotals {
  variant: string;
  calls: number;
  latencyP95Ms: number | null;
  costPerCallUsd: number | null;
  errorRate: number | null;
}

/** An arm's rate or mean with a confidence sequence: valid however often the page is looked at. */
function anytimeInterval(experiment: Experiment, arm: ArmSummary): [number, number] {
  if (arm.n === 0) return experiment.metric.kind === 'binary' ? [0, 1] : [-Infinity, Infinity];
  const alpha = 1 - experiment.confidence;
  const variance = experiment.metric.kind === 'binary' ? Math.max(arm.variance, 0.25 / arm.n) : arm.variance;
  const { interval } = mixtureSequentialTest({
    difference: arm.mean,
    variance: variance / arm.n,
    mixingVariance: (optimalMixingRatio(alpha) * variance) / experiment.plannedSamplesPerArm,
    alpha,
  });
  return experiment.metric.kind === 'binary'
    ? [Math.max(0, interval[0]), Math.min(1, interval[1])]
    : interval;
}

function variantStatus(
  experiment: Experiment,
  analysis: Analysis,
  arm: ArmSummary,
  index: number,
): VariantStatus {
  if (index === 0) return { kind: 'control' };
  const comparison = analysis.comparisons.find((c) => c.variant === arm.variant);
  const planned = experiment.plannedSamplesPerArm;
  const collecting: VariantStatus = { kind: 'collecting', n: arm.n, planned };
  if (!comparison || analysis.verdict.status === 'insufficient-data' || analysis.verdict.status === 'srm')
    return collecting;
  if (comparison.outcome === 'better')
    return analysis.verdict.winner?.name === arm.variant ? { kind: 'winner' } : { kind: 'better' };
  if (comparison.outcome === 'worse') return { kind: 'worse' };
  return arm.n < planned ? collecting : { kind: 'no-difference-yet' };
}

function breaches(row: GuardrailTotals, limits: GuardrailLimits): (keyof GuardrailLimits)[] {
  const out: (keyof GuardrailLimits)[] = [];
  for (const key of ['latencyP95Ms', 'costPerCallUsd', 'errorRate'] as const) {
    const limit = limits[key];
    const value = row[key];
    if (limit !== null && value !== null && value > limit) out.push(key);
  }
  return out;
}

/**
 * Everything the results page shows, from the per-day aggregates and the run records' guardrail
 * figures. Pure, so its numbers can be checked against a hand-computed fixture.
 */
export function buildResults(input: {
  summary: ExperimentSummaryView;
  definition: unknown;
  settings: ExperimentResults['settings'];
  daily: DailyStat[];
  guardrails: GuardrailTotals[];
  canPromote: boolean;
  canManage: boolean;
}): ExperimentResults {
  const experiment = parseExperiment(input.definition);
  const names = experiment.variants.map((variant) => variant.name);
  const daily = input.daily.filter((row) => names.includes(row.variant));
  const analysis = analyze(experiment, statsFrom(experiment.id, daily));

  const variants: VariantResult[] = analysis.arms.map((arm, index) => {
    const comparison = analysis.comparisons.find((c) => c.variant === arm.variant);
    return {
      name: arm.variant,
      version: arm.version,
      share: arm.share,
      exposures: arm.exposures,
      outcomes: arm.outcomes,
      value: arm.mean,
      interval: anytimeInterval(experiment, arm),
      lift: index === 0 ? null : (comparison?.lift ?? null),
      liftInterval: index === 0 ? null : (comparison?.liftInterval ?? null),
      pValue: index === 0 ? null : (comparison?.pValue ?? null),
      status: variantStatus(experiment, analysis, arm, index),
    };
  });

  // Charts: cumulative figures at the end of each day.
  const days = [...new Set(daily.map((row) => row.day))].sort();
  const exposuresOverTime: ExperimentResults['exposuresOverTime'] = [];
  const liftOverTime: ExperimentResults['liftOverTime'] = [];
  const metricByDay: ExperimentResults['metricByDay'] = [];
  const upTo: DailyStat[] = [];
  for (const day of days) {
    const today = daily.filter((row) => row.day === day);
    upTo.push(...today);
    const cumulative = analyze(experiment, statsFrom(experiment.id, upTo));
    const total = cumulative.arms.reduce((sum, arm) => sum + arm.exposures, 0);
    exposuresOverTime.push({
      day,
      observed: Object.fromEntries(cumulative.arms.map((arm) => [arm.variant, arm.exposures])),
      expected: Object.fromEntries(
        cumulative.arms.map((arm) => [arm.variant, Math.round(total * arm.share)]),
      ),
    });
    for (const comparison of cumulative.comparisons) {
      liftOverTime.push({
        day,
        variant: comparison.variant,
        lift: comparison.lift,
        low:
          comparison.liftInterval && Number.isFinite(comparison.liftInterval[0])
            ? comparison.liftInterval[0]
            : null,
        high:
          comparison.liftInterval && Number.isFinite(comparison.liftInterval[1])
            ? comparison.liftInterval[1]
            : null,
      });
    }
    metricByDay.push({
      day,
      values: Object.fromEntries(
        names.map((name) => {
          const row = today.find((r) => r.variant === name);
          if (!row) return [name, null];
          const n = experiment.metric.kind === 'binary' ? row.exposures : row.outcomes;
          return [name, n > 0 ? row.sum / n : null];
        }),
      ),
    });
  }

  const totalExposures = analysis.arms.reduce((sum, arm) => sum + arm.exposures, 0);
  const srm = analysis.srm
    ? {
        pValue: analysis.srm.pValue,
        mismatch: analysis.srm.mismatch,
        observed: analysis.arms.map((arm) => ({
          variant: arm.variant,
          exposures: arm.exposures,
          expectedShare: arm.share,
          observedShare: totalExposures > 0 ? arm.exposures / totalExposures : 0,
        })),
      }
    : null;

  const limits = input.settings.guardrails;
  const guardrails: GuardrailRow[] = names.map((name) => {
    const row = input.guardrails.find((g) => g.variant === name) ?? {
      variant: name,
      calls: 0,
      latencyP95Ms: null,
      costPerCallUsd: null,
      errorRate: null,
    };
    return { ...row, breaches: breaches(row, limits) };
  });

  const phase = input.summary.phase;
  let promoteBlockedBy: string | null = null;
  if (!input.canPromote) promoteBlockedBy = 'Your role may not promote.';
  else if (phase === 'completed') promoteBlockedBy = 'Already promoted.';
  else if (phase === 'draft') promoteBlockedBy = 'The experiment has not started.';
  else if (analysis.srm?.mismatch) promoteBlockedBy = 'Sample ratio mismatch: the result cannot be trusted.';
  else if (analysis.verdict.status !== 'winner') promoteBlockedBy = analysis.verdict.message;

  return {
    experiment: { ...input.summary, exposures: totalExposures },
    settings: input.settings,
    variants,
    verdict: {
      status: analysis.verdict.status,
      message: analysis.verdict.message,
      winner: analysis.verdict.winner?.name ?? null,
    },
    srm,
    exposuresOverTime,
    liftOverTime,
    metricByDay,
    guardrails,
    promoteBlockedBy,
    canPromote: input.canPromote,
    canManage: input.canManage,
  };
}

/** Latency p95, cost per call and error rate per variant, from the experiment's run records. */
export async function loadGuardrailTotals(
  db: PrismaClient,
  workspaceId: string,
  experimentId: string,
): Promise<GuardrailTotals[]> {
  const rows = await db.$queryRaw<
    {
      variant: string | null;
      calls: number;
      p95: number | null;
      cost: number | null;
      errors: number | null;
    }[]
  >`
    SELECT "variant", COUNT(*)::int AS calls,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS p95,
      AVG("costMicros")::float8 AS cost,
      AVG(CASE WHEN "success" THEN 0 ELSE 1 END)::float8 AS errors
    FROM "AnalyticsRun"
    WHERE "workspaceId" = ${workspaceId} AND "experimentId" = ${experimentId}
    GROUP BY "variant"`;
  return rows
    .filter((row) => row.variant !== null)
    .map((row) => ({
      variant: row.variant as string,
      calls: row.calls,
      latencyP95Ms: row.p95,
      costPerCallUsd: row.cost === null ? null : row.cost / 1_000_000,
      errorRate: row.errors,
    }));
}

/** The results page's data for one experiment of the viewer's workspace (NOT_FOUND otherwise). */
export async function loadExperimentResults(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'role'>,
  experimentId: string,
): Promise<ExperimentResults> {
  const row = await getExperimentRow(db, viewer.workspaceId, experimentId);
  const [daily, guardrails] = await Promise.all([
    loadDailyStats(db, viewer.workspaceId, experimentId),
    loadGuardrailTotals(db, viewer.workspaceId, experimentId),
  ]);
  return buildResults({
    summary: toSummary(row),
    definition: row.definition,
    settings: readSettings(row),
    daily,
    guardrails,
    canPromote: can(viewer.role, 'promote'),
    canManage: can(viewer.role, 'manage'),
  });
}
