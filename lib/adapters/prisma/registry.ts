import 'server-only';
import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, throwIfAborted, type PromptData, type PromptDataInput } from '@/lib/loom/core';
import {
  checkExpectedLatest,
  compareSummaries,
  labelNotFound,
  matchesListOptions,
  nextVersion,
  normaliseForSave,
  promptNotFound,
  stampVersion,
  validateLabel,
  validateListOptions,
  validatePromptId,
  validateVersion,
  versionNotFound,
  type LabelMove,
  type LabelOptions,
  type LabelRemoval,
  type ListOptions,
  type PromptRegistry,
  type PromptSummary,
  type RegistryCallOptions,
  type SaveOptions,
  type VersionSummary,
} from '@/lib/loom/registry';

export interface PrismaRegistryOptions {
  /** Clock for `createdAt`; injectable so tests can control time. */
  now?: () => Date;
  /** Longest a save or label move may take, waiting for row locks included, before UNAVAILABLE. */
  transactionTimeoutMs?: number;
  /**
   * Called inside every label move's transaction, after the prompt's row is locked and before the
   * label row changes; throwing refuses the move and rolls it back. The caller's policy (e.g. the
   * studio's release gate for `production`) decides here; the adapter itself decides nothing.
   */
  beforeLabelMove?: (tx: Prisma.TransactionClient, move: LabelMoveAttempt) => Promise<void>;
  /**
   * Called inside a save's transaction once the new version is written; throwing rolls the save
   * back. For work that must commit with the version (e.g. an outbox row announcing it).
   */
  afterSave?: (tx: Prisma.TransactionClient, saved: SavedVersion) => Promise<void>;
  /**
   * Called inside a label move's transaction once the label points at its new version (not when it
   * already pointed there); throwing rolls the move back.
   */
  afterLabelMove?: (
    tx: Prisma.TransactionClient,
    move: LabelMoveAttempt & { actor?: string },
  ) => Promise<void>;
  /**
   * Called inside a label removal's transaction once the label is gone (not when the prompt had no
   * such label); throwing rolls the removal back.
   */
  afterLabelRemove?: (tx: Prisma.TransactionClient, removal: LabelRemoved) => Promise<void>;
}

/** A version a save just wrote, with the workspace it belongs to. */
export interface SavedVersion {
  workspaceId: string;
  prompt: PromptData;
}

/** A label move about to happen: prompt (registry id), label, target version, where it points now. */
export interface LabelMoveAttempt {
  workspaceId: string;
  promptId: string;
  label: string;
  version: number;
  from?: number;
}

/** A label a removal just deleted: prompt (registry id), label, the version it pointed at. */
export interface LabelRemoved {
  workspaceId: string;
  promptId: string;
  label: string;
  from: number;
  actor?: string;
}

/** Generous: a save is a handful of statements, but many may queue on one prompt's row lock. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 20_000;
/** How long to wait for a pooled connection to start a transaction. */
const TRANSACTION_MAX_WAIT_MS = 10_000;

/** Maps the database failures a caller can act on to LoomError; anything else stays as it is. */
function toLoomError(error: unknown, workspaceId: string): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return error;
  // P2028: the transaction expired or could not start; P2034: write conflict or deadlock.
  if (error.code === 'P2028' || error.code === 'P2034') {
    return new LoomError(
      'UNAVAILABLE',
      'The database is too busy to finish this change; nothing was changed',
      {},
      { cause: error },
    );
  }
  if (error.message.includes('Prompt_workspaceId_fkey')) {
    return new LoomError(
      'NOT_FOUND',
      `Workspace "${workspaceId}" not found`,
      { workspaceId },
      { cause: error },
    );
  }
  return error;
}

type VersionRow = Prisma.PromptVersionGetPayload<object>;

function toPromptData(slug: string, row: VersionRow): PromptData {
  const data: PromptData = {
    id: slug,
    version: row.version,
    name: row.name,
    description: row.description,
    tags: row.tags,
    system: row.system,
    user: row.user,
    // These columns are written only from `normaliseForSave` output, so their shape is known.
    variables: row.variables as PromptData['variables'],
    examples: row.examples as PromptData['examples'],
    model: row.model as PromptData['model'],
    metadata: row.metadata as PromptData['metadata'],
    createdAt: row.createdAt,
  };
  if (row.author !== null) data.author = row.author;
  if (row.message !== null) data.message = row.message;
  return data;
}

/**
 * The PostgreSQL registry of one workspace. Saves and label moves lock the prompt's row
 * (`SELECT ... FOR UPDATE`) in a transaction, so concurrent saves get N and N+1 and a failed save
 * rolls back completely. Reads are single statements, so a label move is never seen half-done.
 */
export function createPrismaRegistry(
  db: PrismaClient,
  workspaceId: string,
  options: PrismaRegistryOptions = {},
): PromptRegistry {
  const now = options.now ?? (() => new Date());
  const transactionOptions = {
    maxWait: TRANSACTION_MAX_WAIT_MS,
    timeout: options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
  };

  /** Runs `fn` in a transaction that commits completely or leaves nothing behind. */
  async function transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    try {
      return await db.$transaction(fn, transactionOptions);
    } catch (error) {
      throw toLoomError(error, workspaceId);
    }
  }

  /** Locks the prompt row for the rest of the transaction; undefined when there is no such prompt. */
  async function lockPrompt(tx: Prisma.TransactionClient, slug: string) {
    const rows = await tx.$queryRaw<{ id: string; latestVersion: number }[]>`
      SELECT "id", "latestVersion" FROM "Prompt"
      WHERE "workspaceId" = ${workspaceId} AND "slug" = ${slug}
      FOR UPDATE`;
    return rows[0];
  }

  async function promptExists(slug: string): Promise<boolean> {
    const found = await db.prompt.findUnique({
      where: { workspaceId_slug: { workspaceId, slug } },
      select: { id: true },
    });
    return found !== null;
  }

  async function findVersion(id: string, version: number, signal?: AbortSignal) {
    validatePromptId(id);
    validateVersion(version);
    throwIfAborted(signal);
    const row = await db.promptVersion.findFirst({ where: { version, prompt: { workspaceId, slug: id } } });
    return row === null ? undefined : toPromptData(id, row);
  }

  async function findByLabel(id: string, label: string, signal?: AbortSignal) {
    validatePromptId(id);
    validateLabel(label);
    throwIfAborted(signal);
    // The hot read (every run resolves its prompt by label): one statement walking three primary or
    // unique keys, so the label and the version it points at come from the same snapshot. Raw SQL
    // because it halves the latency of the equivalent Prisma query.
    const rows = await db.$queryRaw<VersionRow[]>`
      SELECT v.* FROM "Prompt" p
      JOIN "PromptLabel" l ON l."promptId" = p."id" AND l."label" = ${label}
      JOIN "PromptVersion" v ON v."promptId" = l."promptId" AND v."version" = l."version"
      WHERE p."workspaceId" = ${workspaceId} AND p."slug" = ${id}`;
    const row = rows[0];
    return row === undefined ? undefined : toPromptData(id, row);
  }

  async function save(input: PromptDataInput, saveOptions: SaveOptions = {}): Promise<PromptData> {
    throwIfAborted(saveOptions.signal);
    const data = normaliseForSave(input, saveOptions);
    return transaction(async (tx) => {
      // Creating the row first gives every saver of a new prompt a row to lock; a conflict or a
      // failure later rolls the insert back with everything else.
      await tx.$executeRaw`
        INSERT INTO "Prompt" ("id", "workspaceId", "slug", "name", "description", "tags", "latestVersion", "updatedAt")
        VALUES (${randomUUID()}, ${workspaceId}, ${data.id}, ${data.name}, ${data.description}, ${data.tags}, 0, ${now()})
        ON CONFLICT ("workspaceId", "slug") DO NOTHING`;
      const locked = await lockPrompt(tx, data.id);
      if (!locked) throw promptNotFound(data.id);
      checkExpectedLatest(data.id, saveOptions.expectedLatest, locked.latestVersion);
      throwIfAborted(saveOptions.signal);
      const stamped = stampVersion(data, nextVersion(locked.latestVersion), now());
      const createdAt = stamped.createdAt ?? now();
      await tx.promptVersion.create({
        data: {
          promptId: locked.id,
          version: stamped.version,
          name: stamped.name,
          description: stamped.description,
          tags: stamped.tags,
          system: stamped.system,
          user: stamped.user,
          variables: stamped.variables as Prisma.InputJsonValue,
          examples: stamped.examples as Prisma.InputJsonValue,
          model: stamped.model as Prisma.InputJsonValue,
          metadata: stamped.metadata as Prisma.InputJsonValue,
          author: stamped.author ?? null,
          message: stamped.message ?? null,
          createdAt,
        },
      });
      await tx.prompt.update({
        where: { id: locked.id },
        data: {
          latestVersion: stamped.version,
          name: stamped.name,
          description: stamped.description,
          tags: stamped.tags,
          updatedAt: createdAt,
          updatedBy: stamped.author ?? null,
        },
      });
      if (options.afterSave) await options.afterSave(tx, { workspaceId, prompt: stamped });
      return stamped;
    });
  }

  return {
    save,

    async get(id: string, version: number, callOptions?: RegistryCallOptions) {
      const found = await findVersion(id, version, callOptions?.signal);
      if (found) return found;
      throw (await promptExists(id)) ? versionNotFound(id, version) : promptNotFound(id);
    },

    find: (id: string, version: number, callOptions?: RegistryCallOptions) =>
      findVersion(id, version, callOptions?.signal),

    async getLatest(id: string, callOptions?: RegistryCallOptions) {
      validatePromptId(id);
      throwIfAborted(callOptions?.signal);
      const row = await db.promptVersion.findFirst({
        where: { prompt: { workspaceId, slug: id } },
        orderBy: { version: 'desc' },
      });
      if (row === null) throw promptNotFound(id);
      return toPromptData(id, row);
    },

    async getByLabel(id: string, label: string, callOptions?: RegistryCallOptions) {
      const found = await findByLabel(id, label, callOptions?.signal);
      if (found) return found;
      throw (await promptExists(id)) ? labelNotFound(id, label) : promptNotFound(id);
    },

    findByLabel: (id: string, label: string, callOptions?: RegistryCallOptions) =>
      findByLabel(id, label, callOptions?.signal),

    async list(listOptions: ListOptions = {}) {
      throwIfAborted(listOptions.signal);
      const filter = validateListOptions(listOptions);
      const rows = await db.prompt.findMany({
        where: {
          workspaceId,
          ...(filter.includeArchived ? {} : { archivedAt: null }),
          ...(filter.tag === undefined ? {} : { tags: { has: filter.tag } }),
        },
        include: { labels: { select: { label: true, version: true } } },
      });
      // Search is applied by the shared rule so every registry matches the same prompts.
      return rows
        .map((row): PromptSummary => {
          const summary: PromptSummary = {
            id: row.slug,
            name: row.name,
            description: row.description,
            tags: row.tags,
            latestVersion: row.latestVersion,
            labels: Object.fromEntries(row.labels.map((l) => [l.label, l.version])),
            archived: row.archivedAt !== null,
            updatedAt: row.updatedAt,
          };
          if (row.updatedBy !== null) summary.updatedBy = row.updatedBy;
          return summary;
        })
        .filter((summary) => matchesListOptions(summary, filter))
        .sort(compareSummaries);
    },

    async listVersions(id: string, callOptions?: RegistryCallOptions) {
      validatePromptId(id);
      throwIfAborted(callOptions?.signal);
      const prompt = await db.prompt.findUnique({
        where: { workspaceId_slug: { workspaceId, slug: id } },
        select: {
          versions: {
            select: { version: true, author: true, message: true, createdAt: true },
            orderBy: { version: 'desc' },
          },
          labels: { select: { label: true, version: true }, orderBy: { label: 'asc' } },
        },
      });
      if (!prompt) throw promptNotFound(id);
      return prompt.versions.map((row): VersionSummary => {
        const summary: VersionSummary = {
          version: row.version,
          createdAt: row.createdAt,
          labels: prompt.labels.filter((l) => l.version === row.version).map((l) => l.label),
        };
        if (row.author !== null) summary.author = row.author;
        if (row.message !== null) summary.message = row.message;
        return summary;
      });
    },

    async setLabel(
      id: string,
      label: string,
      version: number,
      labelOptions?: LabelOptions,
    ): Promise<LabelMove> {
      validatePromptId(id);
      validateLabel(label);
      validateVersion(version);
      throwIfAborted(labelOptions?.signal);
      return transaction(async (tx) => {
        const locked = await lockPrompt(tx, id);
        if (!locked) throw promptNotFound(id);
        const target = await tx.promptVersion.findUnique({
          where: { promptId_version: { promptId: locked.id, version } },
          select: { version: true },
        });
        if (!target) throw versionNotFound(id, version);
        const previous = await tx.promptLabel.findUnique({
          where: { promptId_label: { promptId: locked.id, label } },
          select: { version: true },
        });
        if (options.beforeLabelMove) {
          await options.beforeLabelMove(tx, {
            workspaceId,
            promptId: id,
            label,
            version,
            ...(previous ? { from: previous.version } : {}),
          });
        }
        const change = { version, updatedAt: now(), updatedBy: labelOptions?.actor ?? null };
        await tx.promptLabel.upsert({
          where: { promptId_label: { promptId: locked.id, label } },
          create: { promptId: locked.id, label, ...change },
          update: change,
        });
        if (options.afterLabelMove && previous?.version !== version) {
          await options.afterLabelMove(tx, {
            workspaceId,
            promptId: id,
            label,
            version,
            ...(previous ? { from: previous.version } : {}),
            ...(labelOptions?.actor ? { actor: labelOptions.actor } : {}),
          });
        }
        return previous ? { label, from: previous.version, to: version } : { label, to: version };
      });
    },

    async removeLabel(id: string, label: string, labelOptions?: LabelOptions): Promise<LabelRemoval> {
      validatePromptId(id);
      validateLabel(label);
      throwIfAborted(labelOptions?.signal);
      return transaction(async (tx) => {
        const locked = await lockPrompt(tx, id);
        if (!locked) throw promptNotFound(id);
        const removed = await tx.$queryRaw<{ version: number }[]>`
          DELETE FROM "PromptLabel" WHERE "promptId" = ${locked.id} AND "label" = ${label}
          RETURNING "version"`;
        const from = removed[0]?.version;
        if (from === undefined) return { label };
        if (options.afterLabelRemove) {
          await options.afterLabelRemove(tx, {
            workspaceId,
            promptId: id,
            label,
            from,
            ...(labelOptions?.actor ? { actor: labelOptions.actor } : {}),
          });
        }
        return { label, from };
      });
    },

    async archive(id: string, callOptions?: RegistryCallOptions) {
      await setArchived(id, true, callOptions?.signal);
    },

    async unarchive(id: string, callOptions?: RegistryCallOptions) {
      await setArchived(id, false, callOptions?.signal);
    },
  };

  async function setArchived(id: string, archived: boolean, signal?: AbortSignal) {
    validatePromptId(id);
    throwIfAborted(signal);
    // Only a state change touches the row, so archiving twice keeps the first archivedAt.
    await db.prompt.updateMany({
      where: { workspaceId, slug: id, archivedAt: archived ? null : { not: null } },
      data: { archivedAt: archived ? now() : null },
    });
    if (!(await promptExists(id))) throw promptNotFound(id);
  }
}
