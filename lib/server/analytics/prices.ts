import 'server-only';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { zonedMidnight } from '@/lib/loom/analytics';
import { LoomError } from '@/lib/loom/core';
import {
  createPriceSchedule,
  MAX_PRICE_PER_MILLION_MICROS,
  scheduledPriceSchema,
  type PriceSchedule,
} from '@/lib/loom/cost';
import type { CostFn } from '@/lib/loom/executor';
import type { Viewer } from '../auth/session';
import { writeAudit } from '../audit';
import { getAnalyticsSettings } from './settings';

// A workspace's own model prices, over the built-in table (lib/loom/cost). A price applies to calls
// made from its date on (midnight in the workspace's time zone); calls already recorded keep the
// cost they were recorded with, so history is never rewritten.

const MICROS = 1_000_000;
const MAX_USD = MAX_PRICE_PER_MILLION_MICROS / MICROS;

const usdPerMillion = z.coerce
  .number({ error: 'must be a price in dollars, such as 0.15' })
  .refine(Number.isFinite, 'must be a price in dollars, such as 0.15')
  .refine((usd) => usd >= 0, 'cannot be negative')
  .refine(
    (usd) => usd <= MAX_USD,
    `is over $${MAX_USD.toLocaleString('en-US')} per million tokens: check the number of zeros`,
  );

/** A real calendar day written YYYY-MM-DD (2026-02-31 is not one). */
function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === day;
}

/** What the price form sends: dollars per million tokens, and the day the price starts. */
export const modelPriceInputSchema = z.object({
  provider: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
  model: z.string().trim().min(1, 'is required').max(200, 'is longer than 200 characters'),
  inputPerMillionUsd: usdPerMillion,
  outputPerMillionUsd: usdPerMillion,
  /** A calendar day (YYYY-MM-DD): the price applies from its midnight in the workspace's zone. */
  effectiveFrom: z.string().refine(isCalendarDay, 'must be a date such as 2026-03-01'),
});
export type ModelPriceInput = z.input<typeof modelPriceInputSchema>;

export const modelPriceRefSchema = z.object({ id: z.string().min(1).max(100) });

export interface ModelPriceEntry {
  id: string;
  provider: string;
  model: string;
  inputPerMillionMicros: number;
  outputPerMillionMicros: number;
  /** The instant the price starts: midnight of its day in the workspace's zone when it was saved. */
  effectiveFrom: Date;
  createdAt: Date;
  createdBy: string | null;
}

type PriceRow = Awaited<ReturnType<PrismaClient['analyticsModelPrice']['findMany']>>[number];

const toEntry = (row: PriceRow): ModelPriceEntry => ({
  id: row.id,
  provider: row.provider,
  model: row.model,
  inputPerMillionMicros: Number(row.inputPerMillion),
  outputPerMillionMicros: Number(row.outputPerMillion),
  effectiveFrom: row.effectiveFrom,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
});

/** The workspace's prices by model, provider, then newest first. */
export async function listModelPrices(db: PrismaClient, workspaceId: string): Promise<ModelPriceEntry[]> {
  const rows = await db.analyticsModelPrice.findMany({
    where: { workspaceId },
    orderBy: [{ model: 'asc' }, { provider: 'asc' }, { effectiveFrom: 'desc' }],
  });
  return rows.map(toEntry);
}

/**
 * Saves a price (admins: the action checks). A second price for the same provider, model and day
 * replaces the first; other days stay, each pricing the calls from its day on.
 */
export async function saveModelPrice(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  input: z.output<typeof modelPriceInputSchema>,
): Promise<ModelPriceEntry> {
  const { workspaceId } = viewer;
  const { timeZone } = await getAnalyticsSettings(db, workspaceId);
  const effectiveFrom = zonedMidnight(Date.parse(`${input.effectiveFrom}T00:00:00Z`), timeZone);
  // The same rule loom applies to every price (refuses what the form's schema might have let by).
  const price = scheduledPriceSchema.parse({
    provider: input.provider,
    model: input.model,
    inputPerMillion: Math.round(input.inputPerMillionUsd * MICROS),
    outputPerMillion: Math.round(input.outputPerMillionUsd * MICROS),
    effectiveFrom,
  });
  const fields = {
    inputPerMillion: BigInt(price.inputPerMillion),
    outputPerMillion: BigInt(price.outputPerMillion),
    createdBy: viewer.email,
  };
  const row = await db.$transaction(async (tx) => {
    const saved = await tx.analyticsModelPrice.upsert({
      where: {
        workspaceId_provider_model_effectiveFrom: {
          workspaceId,
          provider: price.provider,
          model: price.model,
          effectiveFrom,
        },
      },
      create: { workspaceId, provider: price.provider, model: price.model, effectiveFrom, ...fields },
      update: fields,
    });
    await writeAudit(tx, viewer, 'price.save', `model:${price.provider}/${price.model}`, {
      inputPerMillionMicros: price.inputPerMillion,
      outputPerMillionMicros: price.outputPerMillion,
      effectiveFrom: effectiveFrom.toISOString(),
    });
    return saved;
  });
  forgetPriceSchedule(workspaceId);
  return toEntry(row);
}

/** Deletes one price; calls already recorded keep their cost. NOT_FOUND when it is not the workspace's. */
export async function deleteModelPrice(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  id: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.analyticsModelPrice.findFirst({ where: { workspaceId: viewer.workspaceId, id } });
    if (!row) throw new LoomError('NOT_FOUND', 'That price no longer exists.', { id });
    await tx.analyticsModelPrice.delete({ where: { id } });
    await writeAudit(tx, viewer, 'price.delete', `model:${row.provider}/${row.model}`, {
      effectiveFrom: row.effectiveFrom.toISOString(),
    });
  });
  forgetPriceSchedule(viewer.workspaceId);
}

/** The workspace's prices over the built-in table, as loom applies them. */
export async function getPriceSchedule(db: PrismaClient, workspaceId: string): Promise<PriceSchedule> {
  const entries = await listModelPrices(db, workspaceId);
  return createPriceSchedule(
    entries.map((entry) => ({
      provider: entry.provider,
      model: entry.model,
      inputPerMillion: entry.inputPerMillionMicros,
      outputPerMillion: entry.outputPerMillionMicros,
      effectiveFrom: entry.effectiveFrom,
    })),
  );
}

/** The executor's cost function for calls through `provider`: priced at the moment of the call. */
export function costFnFor(
  schedule: PriceSchedule,
  provider: string,
  now: () => Date = () => new Date(),
): CostFn {
  return (model, usage) => schedule.costAt(provider, model, usage, now());
}

/**
 * A workspace's prices are read at most this often per process: a price saved or deleted in this
 * process applies to the next call at once, one saved by another process within this long.
 */
const PRICE_SCHEDULE_TTL_MS = 10_000;

const globalForPrices = globalThis as unknown as {
  __loomPriceSchedules?: Map<string, { schedule: Promise<PriceSchedule>; loadedAt: number }>;
};

/** The workspace's price schedule for the composition root, cached briefly per process. */
export function getStudioPriceSchedule(db: PrismaClient, workspaceId: string): Promise<PriceSchedule> {
  const cache = (globalForPrices.__loomPriceSchedules ??= new Map());
  const cached = cache.get(workspaceId);
  if (cached && Date.now() - cached.loadedAt < PRICE_SCHEDULE_TTL_MS) return cached.schedule;
  const schedule = getPriceSchedule(db, workspaceId);
  cache.set(workspaceId, { schedule, loadedAt: Date.now() });
  schedule.catch(() => cache.delete(workspaceId));
  return schedule;
}

function forgetPriceSchedule(workspaceId: string): void {
  globalForPrices.__loomPriceSchedules?.delete(workspaceId);
}
