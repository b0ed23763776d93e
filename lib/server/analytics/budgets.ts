import 'server-only';
import { z } from 'zod';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { zonedMidnight, zoneOffsetMs } from '@/lib/loom/analytics';
import { LoomError, promptIdSchema } from '@/lib/loom/core';
import type { Viewer } from '../auth/session';
import { writeAudit } from '../audit';
import { enqueueWebhookEvent } from '../webhooks/outbox';
import { getAnalyticsSettings } from './settings';

// Monthly budgets: one for the whole workspace and optionally one per prompt, in micro-dollars.
// A month is the calendar month in the workspace's time zone. Spend counts every priced call of
// every source (playground, API, suites, judges: money spent is money spent); calls without a
// price are reported beside it, never guessed. Crossing 80% and 100% alerts once per threshold and
// month: a row in AnalyticsBudgetAlert (the in-app banner's state) and a `budget.alert` webhook.

const MICROS = 1_000_000;
/** $10M a month: far above any studio's spend, low enough that a typo of many zeros is refused. */
const MAX_MONTHLY_USD = 10_000_000;
/** Percent of a budget at which an alert fires, lowest first. */
export const BUDGET_THRESHOLDS = [80, 100] as const;
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];

export const budgetInputSchema = z.object({
  /** Absent or empty: the workspace's budget. */
  promptId: z.union([z.literal(''), promptIdSchema]).optional(),
  monthlyUsd: z.coerce
    .number({ error: 'must be an amount in dollars, such as 500' })
    .refine(Number.isFinite, 'must be an amount in dollars, such as 500')
    .refine((usd) => usd > 0, 'must be more than $0')
    .refine(
      (usd) => usd <= MAX_MONTHLY_USD,
      `must be at most $${MAX_MONTHLY_USD.toLocaleString('en-US')} a month`,
    ),
});
export type BudgetInput = z.input<typeof budgetInputSchema>;
export const budgetRefSchema = z.object({ promptId: z.union([z.literal(''), promptIdSchema]).optional() });

export interface Budget {
  /** null: the workspace's budget. */
  promptId: string | null;
  monthlyMicros: number;
  updatedAt: Date;
  updatedBy: string | null;
}

export interface BudgetState extends Budget {
  spendMicros: number;
  /** Calls this month whose model has no price: their cost is not in `spendMicros`. */
  unpricedCount: number;
  /** spend / budget (1 = all of it). */
  ratio: number;
  /** The highest threshold reached (0 when below 80%). */
  reached: 0 | BudgetThreshold;
}

export interface BudgetStatus {
  timeZone: string;
  /** YYYY-MM in the workspace's zone. */
  month: string;
  monthStart: Date;
  monthEnd: Date;
  budgets: BudgetState[];
}

const WORKSPACE = '';
const toBudget = (row: {
  promptId: string;
  monthlyMicros: bigint;
  updatedAt: Date;
  updatedBy: string | null;
}) => ({
  promptId: row.promptId === WORKSPACE ? null : row.promptId,
  monthlyMicros: Number(row.monthlyMicros),
  updatedAt: row.updatedAt,
  updatedBy: row.updatedBy,
});

/** The workspace's budget first, then the prompts' by id. */
export async function listBudgets(db: PrismaClient, workspaceId: string): Promise<Budget[]> {
  const rows = await db.analyticsBudget.findMany({ where: { workspaceId }, orderBy: { promptId: 'asc' } });
  return rows.map(toBudget);
}

/** Saves (admins: the action checks) the workspace's budget or a prompt's; audited. */
export async function saveBudget(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  input: z.output<typeof budgetInputSchema>,
): Promise<Budget> {
  const { workspaceId } = viewer;
  const promptId = input.promptId ?? WORKSPACE;
  if (promptId !== WORKSPACE) {
    const prompt = await db.prompt.findFirst({
      where: { workspaceId, slug: promptId },
      select: { id: true },
    });
    if (!prompt) {
      throw new LoomError('NOT_FOUND', `There is no prompt "${promptId}" in this workspace.`, {
        issues: [{ path: 'promptId', message: `no prompt "${promptId}"` }],
      });
    }
  }
  const monthlyMicros = BigInt(Math.round(input.monthlyUsd * MICROS));
  const row = await db.$transaction(async (tx) => {
    const saved = await tx.analyticsBudget.upsert({
      where: { workspaceId_promptId: { workspaceId, promptId } },
      create: { workspaceId, promptId, monthlyMicros, updatedBy: viewer.email },
      update: { monthlyMicros, updatedBy: viewer.email },
    });
    await writeAudit(
      tx,
      viewer,
      'budget.save',
      promptId ? `prompt:${promptId}` : `workspace:${workspaceId}`,
      {
        monthlyMicros: Number(monthlyMicros),
      },
    );
    return saved;
  });
  return toBudget(row);
}

/** Removes a budget; its alerts of past months stay as history. NOT_FOUND when there is none. */
export async function deleteBudget(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  promptId: string | undefined,
): Promise<void> {
  const { workspaceId } = viewer;
  const key = promptId ?? WORKSPACE;
  await db.$transaction(async (tx) => {
    const { count } = await tx.analyticsBudget.deleteMany({ where: { workspaceId, promptId: key } });
    if (count === 0) throw new LoomError('NOT_FOUND', 'That budget no longer exists.');
    await writeAudit(tx, viewer, 'budget.save', key ? `prompt:${key}` : `workspace:${workspaceId}`, {
      monthlyMicros: null,
    });
  });
}

/** The calendar month containing `now` in `timeZone`: its label and its [start, end). */
export function monthOf(now: Date, timeZone: string): { month: string; monthStart: Date; monthEnd: Date } {
  const local = new Date(now.getTime() + zoneOffsetMs(now.getTime(), timeZone));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  return {
    month: `${year}-${String(month + 1).padStart(2, '0')}`,
    monthStart: zonedMidnight(Date.UTC(year, month, 1), timeZone),
    monthEnd: zonedMidnight(Date.UTC(year, month + 1, 1), timeZone),
  };
}

/** Spend against every budget of the workspace for the month containing `now` (workspace zone). */
export async function budgetStatus(
  db: PrismaClient,
  workspaceId: string,
  now: Date = new Date(),
): Promise<BudgetStatus> {
  const [{ timeZone }, budgets] = await Promise.all([
    getAnalyticsSettings(db, workspaceId),
    listBudgets(db, workspaceId),
  ]);
  const { month, monthStart, monthEnd } = monthOf(now, timeZone);
  if (budgets.length === 0) return { timeZone, month, monthStart, monthEnd, budgets: [] };
  const store = createPrismaAnalyticsStore(db, workspaceId);
  // Up to now, and at least one millisecond (a query's range may not be empty).
  const to = new Date(Math.max(Math.min(now.getTime(), monthEnd.getTime()), monthStart.getTime()) + 1);
  const range = { from: monthStart, to, latency: false } as const;
  const needsPrompts = budgets.some((budget) => budget.promptId !== null);
  const [totals, byPrompt] = await Promise.all([
    store.query({ ...range, groupBy: [] }),
    needsPrompts ? store.query({ ...range, groupBy: ['prompt'] }) : Promise.resolve([]),
  ]);
  const spendOf = (promptId: string | null) => {
    const row = promptId === null ? totals[0] : byPrompt.find((r) => r.promptId === promptId);
    return { spendMicros: row?.costMicros ?? 0, unpricedCount: row?.unpricedCount ?? 0 };
  };
  return {
    timeZone,
    month,
    monthStart,
    monthEnd,
    budgets: budgets.map((budget) => {
      const spend = spendOf(budget.promptId);
      const ratio = spend.spendMicros / budget.monthlyMicros;
      const reached = [...BUDGET_THRESHOLDS].reverse().find((t) => ratio * 100 >= t) ?? 0;
      return { ...budget, ...spend, ratio, reached };
    }),
  };
}

export interface BudgetAlert {
  promptId: string | null;
  month: string;
  threshold: BudgetThreshold;
  spendMicros: number;
  budgetMicros: number;
  createdAt: Date;
}

/**
 * Fires the alerts the current spend has earned and not yet fired this month: each threshold once
 * per budget and month, however often this runs and on however many workers (the alert row's key
 * decides; the webhook event is queued in the same transaction). Returns the alerts fired now.
 */
export async function checkBudgetAlerts(
  db: PrismaClient,
  workspaceId: string,
  now: Date = new Date(),
): Promise<BudgetAlert[]> {
  const status = await budgetStatus(db, workspaceId, now);
  const fired: BudgetAlert[] = [];
  for (const budget of status.budgets) {
    for (const threshold of BUDGET_THRESHOLDS) {
      if (budget.ratio * 100 < threshold) continue;
      const alert: BudgetAlert = {
        promptId: budget.promptId,
        month: status.month,
        threshold,
        spendMicros: budget.spendMicros,
        budgetMicros: budget.monthlyMicros,
        createdAt: now,
      };
      const isNew = await db.$transaction(async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO "AnalyticsBudgetAlert" ("workspaceId", "promptId", "month", "threshold", "spendMicros", "budgetMicros", "createdAt")
          VALUES (${workspaceId}, ${budget.promptId ?? WORKSPACE}, ${status.month}, ${threshold},
                  ${BigInt(budget.spendMicros)}, ${BigInt(budget.monthlyMicros)}, ${now})
          ON CONFLICT DO NOTHING`;
        if (inserted === 0) return false;
        await enqueueWebhookEvent(tx, workspaceId, 'budget.alert', {
          promptId: budget.promptId,
          month: status.month,
          timeZone: status.timeZone,
          threshold,
          spendMicros: budget.spendMicros,
          budgetMicros: budget.monthlyMicros,
          unpricedCount: budget.unpricedCount,
        });
        return true;
      });
      if (isNew) fired.push(alert);
    }
  }
  return fired;
}

/**
 * The banner's state: this month's alerts, the highest threshold per budget, for budgets that still
 * exist (a deleted budget's alert is not shown).
 */
export async function activeBudgetAlerts(
  db: PrismaClient,
  workspaceId: string,
  now: Date = new Date(),
): Promise<BudgetAlert[]> {
  const { timeZone } = await getAnalyticsSettings(db, workspaceId);
  const { month } = monthOf(now, timeZone);
  const [rows, budgets] = await Promise.all([
    db.analyticsBudgetAlert.findMany({ where: { workspaceId, month }, orderBy: { threshold: 'desc' } }),
    db.analyticsBudget.findMany({ where: { workspaceId }, select: { promptId: true } }),
  ]);
  const live = new Set(budgets.map((b) => b.promptId));
  const highest = new Map<string, BudgetAlert>();
  for (const row of rows) {
    if (!live.has(row.promptId) || highest.has(row.promptId)) continue;
    highest.set(row.promptId, {
      promptId: row.promptId === WORKSPACE ? null : row.promptId,
      month: row.month,
      threshold: row.threshold === 100 ? 100 : 80,
      spendMicros: Number(row.spendMicros),
      budgetMicros: Number(row.budgetMicros),
      createdAt: row.createdAt,
    });
  }
  return [...highest.values()].sort((a, b) => b.threshold - a.threshold);
}
