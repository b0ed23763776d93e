import 'server-only';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { logger } from '../logger';
import { onShutdown } from '../shutdown';

// Exposures are written off the request path: serving only buffers the row, and one multi-row
// INSERT ... ON CONFLICT DO NOTHING per flush writes them (one statement, so the daily-stat trigger
// runs once per batch). Stickiness does not depend on the row (assignment is a pure hash), and the
// first exposure of a unit wins on conflict, so a delayed write changes no unit's variant. An
// outcome for a unit whose exposure is still buffered flushes it first (settleExposure).

/** Longest an exposure waits in the buffer. */
export const EXPOSURE_FLUSH_MS = 250;
/** A buffer this full is written at once (4 parameters a row, far below PostgreSQL's 65,535). */
export const EXPOSURE_BATCH_ROWS = 1_000;

export interface ExposureRow {
  workspaceId: string;
  experimentId: string;
  unitId: string;
  variant: string;
  exposedAt: Date;
}

interface Pending {
  /** Keyed by workspace, experiment and unit: a unit served twice before a flush is one row. */
  rows: Map<string, ExposureRow>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

// On globalThis: Next loads server modules in more than one module graph. One buffer per database
// client (tests run several databases in one process).
const state = globalThis as unknown as {
  __loomExposureBuffers?: Map<PrismaClient, Pending>;
  /** Rows taken from a buffer whose INSERT has not finished, by key. */
  __loomExposureWrites?: Map<string, Promise<void>>;
  /** The last write started per database client: writes run one after the other. */
  __loomExposureChains?: Map<PrismaClient, Promise<void>>;
  __loomExposureShutdown?: boolean;
};
const buffers = () => (state.__loomExposureBuffers ??= new Map());
const writes = () => (state.__loomExposureWrites ??= new Map());
const chains = () => (state.__loomExposureChains ??= new Map());

const keyOf = (workspaceId: string, experimentId: string, unitId: string) =>
  `${workspaceId}\u0000${experimentId}\u0000${unitId}`;

/** Buffers a unit's exposure; written within EXPOSURE_FLUSH_MS. Never throws. */
export function queueExposure(db: PrismaClient, row: Omit<ExposureRow, 'exposedAt'>): void {
  if (!state.__loomExposureShutdown) {
    state.__loomExposureShutdown = true;
    onShutdown('experiment exposures', flushExposures);
  }
  let pending = buffers().get(db);
  if (!pending) buffers().set(db, (pending = { rows: new Map(), timer: undefined }));
  const key = keyOf(row.workspaceId, row.experimentId, row.unitId);
  if (!pending.rows.has(key)) pending.rows.set(key, { ...row, exposedAt: new Date() });
  if (pending.rows.size >= EXPOSURE_BATCH_ROWS) void flush(db);
  else if (!pending.timer) {
    pending.timer = setTimeout(() => void flush(db), EXPOSURE_FLUSH_MS);
    pending.timer.unref?.();
  }
}

/**
 * Writes one database's buffer now, after the write before it: two batches at once can deadlock on
 * the daily-stat rows their triggers update (seen under load). A failed write is retried once,
 * then logged (the rows are lost), never thrown.
 */
function flush(db: PrismaClient): Promise<void> {
  const pending = buffers().get(db);
  if (!pending) return Promise.resolve();
  clearTimeout(pending.timer);
  buffers().delete(db);
  const rows = [...pending.rows.entries()];
  if (rows.length === 0) return Promise.resolve();
  const values = Prisma.join(
    rows.map(
      ([, r]) => Prisma.sql`(${r.workspaceId}, ${r.experimentId}, ${r.unitId}, ${r.variant}, ${r.exposedAt})`,
    ),
  );
  const insert = () => db.$executeRaw`
    INSERT INTO "ExperimentExposure" ("workspaceId", "experimentId", "unitId", "variant", "exposedAt")
    VALUES ${values} ON CONFLICT DO NOTHING`;
  const previous = chains().get(db) ?? Promise.resolve();
  const write = previous
    .then(() => insert().catch(() => insert()))
    .then(
      () => undefined,
      (error: unknown) =>
        logger.error({ error, rows: rows.length }, 'experiment exposures could not be written'),
    )
    .finally(() => {
      for (const [key] of rows) if (writes().get(key) === write) writes().delete(key);
      if (chains().get(db) === write) chains().delete(db);
    });
  chains().set(db, write);
  for (const [key] of rows) writes().set(key, write);
  return write;
}

/** Every buffered exposure written (shutdown, tests). */
export async function flushExposures(): Promise<void> {
  await Promise.all([...buffers().keys()].map((db) => flush(db)));
  await Promise.all([...writes().values()]);
}

/** Waits until this unit's exposure, if buffered or being written, is in the database. */
export async function settleExposure(
  db: PrismaClient,
  workspaceId: string,
  experimentId: string,
  unitId: string,
): Promise<void> {
  const key = keyOf(workspaceId, experimentId, unitId);
  if (buffers().get(db)?.rows.has(key)) await flush(db);
  await writes().get(key);
}
