import 'server-only';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { isValidTimeZone } from '@/lib/loom/analytics';
import type { Viewer } from '../auth/session';
import { writeAudit } from '../audit';

// A workspace's analytics settings: the time zone whose midnight starts a dashboard day and a
// budget month, and how long raw runs are kept once rolled up (the rollups are kept for good).

export const DEFAULT_TIME_ZONE = 'UTC';
/** Raw runs are kept this many days by default: 90 days of drill-down, as the issue asks. */
export const DEFAULT_RETENTION_DAYS = 90;
/** At least a week, so the dashboards' raw edges and late runs always have their rows. */
export const MIN_RETENTION_DAYS = 7;
/** About ten years: beyond that, "keep forever" is the honest setting and is not offered. */
export const MAX_RETENTION_DAYS = 3650;

export const analyticsSettingsSchema = z.object({
  timeZone: z
    .string()
    .trim()
    .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris or UTC' }),
  retentionDays: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(MIN_RETENTION_DAYS, `must be at least ${MIN_RETENTION_DAYS} days`)
    .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days`),
});
export type AnalyticsSettings = z.infer<typeof analyticsSettingsSchema>;
export type AnalyticsSettingsInput = z.input<typeof analyticsSettingsSchema>;

type Db = PrismaClient | Prisma.TransactionClient;

/** The workspace's settings, the defaults when it never saved any. */
export async function getAnalyticsSettings(db: Db, workspaceId: string): Promise<AnalyticsSettings> {
  const row = await db.analyticsSettings.findUnique({ where: { workspaceId } });
  return {
    timeZone: row && isValidTimeZone(row.timeZone) ? row.timeZone : DEFAULT_TIME_ZONE,
    retentionDays: row?.retentionDays ?? DEFAULT_RETENTION_DAYS,
  };
}

/** Saves validated settings (admins: the action checks) and audits the change. */
export async function saveAnalyticsSettings(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  settings: AnalyticsSettings,
): Promise<AnalyticsSettings> {
  const { workspaceId } = viewer;
  await db.$transaction(async (tx) => {
    await tx.analyticsSettings.upsert({
      where: { workspaceId },
      create: { workspaceId, ...settings },
      update: settings,
    });
    await writeAudit(tx, viewer, 'analytics.settings', `workspace:${workspaceId}`, settings);
  });
  return settings;
}
