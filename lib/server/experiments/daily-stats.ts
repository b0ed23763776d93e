import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { analyze, type Analysis, type Experiment, type ExperimentStats } from '@/lib/loom/optimizer';

// The per-day aggregates the database triggers keep (migration 20261202061515_experiments_studio):
// the results page and winner detection read these instead of millions of exposure rows.

export interface DailyStat {
  variant: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  exposures: number;
  outcomes: number;
  sum: number;
  /** Σ (x - mean)² of that day's outcomes. */
  m2: number;
}

type Db = PrismaClient | Prisma.TransactionClient;

export async function loadDailyStats(
  db: Db,
  workspaceId: string,
  experimentId: string,
): Promise<DailyStat[]> {
  const rows = await db.experimentDailyStat.findMany({
    where: { workspaceId, experimentId },
    orderBy: [{ day: 'asc' }, { variant: 'asc' }],
  });
  return rows.map((row) => ({
    variant: row.variant,
    day: row.day.toISOString().slice(0, 10),
    exposures: Number(row.exposures),
    outcomes: Number(row.outcomes),
    sum: row.sum,
    m2: row.m2,
  }));
}

interface Totals {
  exposures: number;
  outcomes: number;
  sum: number;
  m2: number;
}

/** Chan et al.'s merge of two groups' Σ (x - mean)²: no cancellation, unlike Σx² - (Σx)²/n. */
export function mergeTotals(a: Totals, b: Totals): Totals {
  const outcomes = a.outcomes + b.outcomes;
  const delta = a.outcomes > 0 && b.outcomes > 0 ? b.sum / b.outcomes - a.sum / a.outcomes : 0;
  return {
    exposures: a.exposures + b.exposures,
    outcomes,
    sum: a.sum + b.sum,
    m2: a.m2 + b.m2 + (outcomes > 0 ? (delta * delta * a.outcomes * b.outcomes) / outcomes : 0),
  };
}

const EMPTY: Totals = { exposures: 0, outcomes: 0, sum: 0, m2: 0 };

/** Per-variant totals over `rows` as the loom store port's stats. */
export function statsFrom(experimentId: string, rows: Iterable<DailyStat>): ExperimentStats {
  const byVariant = new Map<string, Totals>();
  for (const row of rows) byVariant.set(row.variant, mergeTotals(byVariant.get(row.variant) ?? EMPTY, row));
  return {
    experimentId,
    arms: [...byVariant].map(([variant, totals]) => ({
      variant,
      exposures: totals.exposures,
      // A unit exposed on a later day than its outcome cannot happen, but a clock step could make a
      // day's outcomes exceed its exposures; totals are what analyze checks.
      outcomes: totals.outcomes,
      sum: totals.sum,
      sumSquaredDeviations: Math.max(0, totals.m2),
    })),
  };
}

/** Loom's analysis of everything recorded so far. */
export async function analyzeRecorded(
  db: Db,
  workspaceId: string,
  experiment: Experiment,
): Promise<Analysis> {
  const rows = await loadDailyStats(db, workspaceId, experiment.id);
  const known = new Set(experiment.variants.map((variant) => variant.name));
  return analyze(
    experiment,
    statsFrom(
      experiment.id,
      rows.filter((row) => known.has(row.variant)),
    ),
  );
}
