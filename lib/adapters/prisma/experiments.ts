import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, throwIfAborted } from '@/lib/loom/core';
import {
  EXPERIMENT_STATUSES,
  parseExperiment,
  parseExposure,
  parseOutcome,
  variantConflict,
  type Experiment,
  type ExperimentStats,
  type ExperimentStatus,
  type ExperimentStore,
  type ExperimentStoreCallOptions,
} from '@/lib/loom/optimizer';

export interface ListExperimentsOptions extends ExperimentStoreCallOptions {
  promptId?: string;
  status?: ExperimentStatus;
}

export interface PrismaExperimentStore extends ExperimentStore {
  /** Validates and stores an experiment's definition, replacing an earlier one with the same id. */
  saveExperiment(input: unknown, options?: ExperimentStoreCallOptions): Promise<Experiment>;
  /** Throws NOT_FOUND. */
  getExperiment(id: string, options?: ExperimentStoreCallOptions): Promise<Experiment>;
  findExperiment(id: string, options?: ExperimentStoreCallOptions): Promise<Experiment | undefined>;
  /** Sorted by id. */
  listExperiments(options?: ListExperimentsOptions): Promise<Experiment[]>;
  /** The claimed winner's variant, if any. */
  findWinner(id: string, options?: ExperimentStoreCallOptions): Promise<string | undefined>;
}

function invalid(message: string, path: string, detail: string): LoomError {
  return new LoomError('INVALID_INPUT', message, { issues: [{ path, message: detail }] });
}

function validateKey(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 200)
    throw invalid(`Invalid ${path}`, path, 'must be a string of 1 to 200 characters');
  return value;
}

/**
 * The PostgreSQL experiment store of one workspace. A unit's exposure and outcome are rows with
 * primary keys per unit, written with ON CONFLICT DO NOTHING, so retries and concurrent duplicates
 * count once; per-arm totals are one aggregate query, where var_pop · n gives Σ (x - mean)² without
 * the cancellation of Σx² - (Σx)²/n (PostgreSQL 12+ accumulates float8 variance with the stable
 * Youngs-Cramer update). The winner claim is one INSERT that only the first caller gets to make. Definitions are stored as their validated JSON.
 */
export function createPrismaExperimentStore(db: PrismaClient, workspaceId: string): PrismaExperimentStore {
  /** Exposes the unit unless it already is; returns whether this call exposed it. */
  async function expose(experimentId: string, variant: string, unitId: string): Promise<boolean> {
    const inserted = await db.$executeRaw`
      INSERT INTO "ExperimentExposure" ("workspaceId", "experimentId", "unitId", "variant")
      VALUES (${workspaceId}, ${experimentId}, ${unitId}, ${variant})
      ON CONFLICT DO NOTHING`;
    if (inserted === 1) return true;
    // The row we collided with is committed (ON CONFLICT waited for it), so this read sees it.
    const [existing] = await db.$queryRaw<{ variant: string }[]>`
      SELECT "variant" FROM "ExperimentExposure"
      WHERE "workspaceId" = ${workspaceId} AND "experimentId" = ${experimentId} AND "unitId" = ${unitId}`;
    if (existing && existing.variant !== variant)
      throw variantConflict(experimentId, unitId, existing.variant, variant);
    return false;
  }

  async function findExperiment(id: string, options?: ExperimentStoreCallOptions) {
    validateKey(id, 'id');
    throwIfAborted(options?.signal);
    const row = await db.experimentDefinition.findUnique({
      where: { workspaceId_id: { workspaceId, id } },
      select: { definition: true },
    });
    // Written only from parseExperiment output; parsing again keeps defaults of newer schemas.
    return row === null ? undefined : parseExperiment(row.definition);
  }

  return {
    async recordExposure(experimentId, variant, unitId, options) {
      throwIfAborted(options?.signal);
      const exposure = parseExposure({ experimentId, variant, unitId });
      return expose(exposure.experimentId, exposure.variant, exposure.unitId);
    },

    async recordOutcome(experimentId, variant, unitId, value, options) {
      throwIfAborted(options?.signal);
      const outcome = parseOutcome({ experimentId, variant, unitId, value });
      await expose(outcome.experimentId, outcome.variant, outcome.unitId);
      const inserted = await db.$executeRaw`
        INSERT INTO "ExperimentOutcome" ("workspaceId", "experimentId", "unitId", "variant", "value")
        VALUES (${workspaceId}, ${outcome.experimentId}, ${outcome.unitId}, ${outcome.variant}, ${outcome.value})
        ON CONFLICT DO NOTHING`;
      return inserted === 1;
    },

    async stats(experimentId, options): Promise<ExperimentStats> {
      throwIfAborted(options?.signal);
      const rows = await db.$queryRaw<
        { variant: string; exposures: bigint; outcomes: bigint; sum: number; sumSquaredDeviations: number }[]
      >`
        SELECT e."variant", COUNT(*) AS exposures, COUNT(o."unitId") AS outcomes,
          COALESCE(SUM(o."value"), 0)::float8 AS sum,
          COALESCE(var_pop(o."value") * COUNT(o."value"), 0)::float8 AS "sumSquaredDeviations"
        FROM "ExperimentExposure" e
        LEFT JOIN "ExperimentOutcome" o ON o."workspaceId" = e."workspaceId"
          AND o."experimentId" = e."experimentId" AND o."unitId" = e."unitId"
        WHERE e."workspaceId" = ${workspaceId} AND e."experimentId" = ${experimentId}
        GROUP BY e."variant"
        ORDER BY MIN(e."seq")`;
      return {
        experimentId,
        arms: rows.map((row) => ({
          variant: row.variant,
          exposures: Number(row.exposures),
          outcomes: Number(row.outcomes),
          sum: row.sum,
          sumSquaredDeviations: row.sumSquaredDeviations,
        })),
      };
    },

    async claimWinner(experimentId, variant, options) {
      throwIfAborted(options?.signal);
      validateKey(experimentId, 'experimentId');
      validateKey(variant, 'variant');
      // Works for experiments without a stored definition too, as the port requires.
      const claimed = await db.$executeRaw`
        INSERT INTO "ExperimentWinner" ("workspaceId", "experimentId", "variant")
        VALUES (${workspaceId}, ${experimentId}, ${variant})
        ON CONFLICT DO NOTHING`;
      return claimed === 1;
    },

    async saveExperiment(input, options) {
      throwIfAborted(options?.signal);
      const experiment = parseExperiment(input);
      const now = new Date();
      const data = {
        promptId: experiment.promptId,
        status: experiment.status,
        definition: experiment,
        updatedAt: now,
      };
      await db.experimentDefinition.upsert({
        where: { workspaceId_id: { workspaceId, id: experiment.id } },
        create: { workspaceId, id: experiment.id, createdAt: now, ...data },
        update: data,
      });
      return experiment;
    },

    async getExperiment(id, options) {
      const found = await findExperiment(id, options);
      if (!found) throw new LoomError('NOT_FOUND', `Experiment "${id}" not found`, { experimentId: id });
      return found;
    },

    findExperiment,

    async listExperiments(options = {}) {
      throwIfAborted(options.signal);
      if (options.status !== undefined && !EXPERIMENT_STATUSES.includes(options.status))
        throw invalid(
          'Invalid experiment filter',
          'status',
          `must be one of ${EXPERIMENT_STATUSES.join(', ')}`,
        );
      const rows = await db.experimentDefinition.findMany({
        where: {
          workspaceId,
          ...(options.promptId === undefined ? {} : { promptId: options.promptId }),
          ...(options.status === undefined ? {} : { status: options.status }),
        },
        orderBy: { id: 'asc' },
        select: { definition: true },
      });
      return rows.map((row) => parseExperiment(row.definition));
    },

    async findWinner(id, options) {
      validateKey(id, 'id');
      throwIfAborted(options?.signal);
      const row = await db.experimentWinner.findUnique({
        where: { workspaceId_experimentId: { workspaceId, experimentId: id } },
        select: { variant: true },
      });
      return row?.variant;
    },
  };
}
