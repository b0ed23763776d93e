import 'server-only';
import type { Redis } from 'ioredis';
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
import { defineScript } from './script';

export interface RedisRegistryOptions {
  redis: Redis;
  /** The registry's workspace: its keys are `<prefix>{<workspaceId>}:...`, one hash slot per workspace. */
  workspaceId: string;
  /** Key prefix, so several registries (or tests) can share one Redis database. */
  prefix?: string;
  /** Clock for `createdAt`; injectable so tests can control time. */
  now?: () => Date;
}

/**
 * Saves are compare-and-set: the version number is chosen here by loom's rules from the latest
 * version read, and the script stores it only if the latest is still that one. A writer that lost
 * the race reads again; this bounds how often it may, so a pathological storm ends in UNAVAILABLE.
 */
const MAX_SAVE_ATTEMPTS = 100;

// Stores the version if the prompt's latest is still ARGV[1]; 1 when stored, 0 when it moved.
const SAVE = defineScript(`
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if latest ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[1], 'latest', ARGV[2], 'updatedAt', ARGV[5], 'name', ARGV[7], 'description', ARGV[8], 'tags', ARGV[9])
if ARGV[6] == '' then redis.call('HDEL', KEYS[1], 'updatedBy') else redis.call('HSET', KEYS[1], 'updatedBy', ARGV[6]) end
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[10])
return 1
`);

// Points a label at an existing version: {0} no prompt, {1} no version, {2, previous or ''} moved.
const SET_LABEL = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then return {1} end
local previous = redis.call('HGET', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return {2, previous or ''}
`);

// {0} no prompt, {1, previous or ''} removed (or was not set).
const REMOVE_LABEL = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return {1, previous or ''}
`);

// 0 no prompt, 1 done. Archiving twice keeps the first archivedAt.
const SET_ARCHIVED = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == '1' then redis.call('HSETNX', KEYS[1], 'archivedAt', ARGV[2]) else redis.call('HDEL', KEYS[1], 'archivedAt') end
return 1
`);

// The label and the version it points at, read in one atomic step: a move is never seen half-done.
const FIND_BY_LABEL = defineScript(`
local version = redis.call('HGET', KEYS[1], ARGV[1])
if not version then return false end
return redis.call('HGET', KEYS[2], version)
`);

const FIND_LATEST = defineScript(`
local latest = redis.call('HGET', KEYS[1], 'latest')
if not latest then return false end
return redis.call('HGET', KEYS[2], latest)
`);

interface HistoryEntry {
  author?: string;
  message?: string;
  createdAt: string;
}

interface LabelStamp {
  updatedAt: string;
  updatedBy?: string;
}

function parseVersion(json: string): PromptData {
  const data = JSON.parse(json) as PromptData & { createdAt: string };
  return { ...data, createdAt: new Date(data.createdAt) };
}

/** Connection loss and timeouts become UNAVAILABLE (retryable); loom's own errors pass through. */
function toLoomError(error: unknown): unknown {
  if (error instanceof LoomError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LoomError(
    'UNAVAILABLE',
    `The prompt store (Redis) did not answer: ${message}`,
    {},
    { cause: error },
  );
}

/**
 * The Redis registry of one workspace. Every change is one Lua script (atomic on the server);
 * business rules (numbering, concurrency checks, validation) are loom's, applied here before the
 * script runs. Layout under `<prefix>{<workspace>}`:
 *
 *   :prompts                  sorted set of prompt ids by latest save (ms)
 *   :p:<id>                   hash: latest, updatedAt, updatedBy, name, description, tags, archivedAt
 *   :p:<id>:versions          hash: version -> PromptData JSON (immutable)
 *   :p:<id>:history           hash: version -> { author, message, createdAt }
 *   :p:<id>:labels            hash: label -> version
 *   :p:<id>:label-stamps      hash: label -> { updatedAt, updatedBy }
 */
export function createRedisRegistry(options: RedisRegistryOptions): PromptRegistry {
  const { redis } = options;
  const now = options.now ?? (() => new Date());
  const ns = `${options.prefix ?? 'loom'}{${options.workspaceId}}`;
  const indexKey = `${ns}:prompts`;
  const keys = (id: string) => ({
    meta: `${ns}:p:${id}`,
    versions: `${ns}:p:${id}:versions`,
    history: `${ns}:p:${id}:history`,
    labels: `${ns}:p:${id}:labels`,
    labelStamps: `${ns}:p:${id}:label-stamps`,
  });

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toLoomError(error);
    }
  }

  const exists = (id: string) => call(async () => (await redis.exists(keys(id).meta)) === 1);

  async function findVersion(id: string, version: number, signal?: AbortSignal) {
    validatePromptId(id);
    validateVersion(version);
    throwIfAborted(signal);
    const json = await call(() => redis.hget(keys(id).versions, String(version)));
    return json === null ? undefined : parseVersion(json);
  }

  async function findByLabel(id: string, label: string, signal?: AbortSignal) {
    validatePromptId(id);
    validateLabel(label);
    throwIfAborted(signal);
    const k = keys(id);
    const json = await call(() => FIND_BY_LABEL(redis, [k.labels, k.versions], [label]));
    return typeof json === 'string' ? parseVersion(json) : undefined;
  }

  async function save(input: PromptDataInput, saveOptions: SaveOptions = {}): Promise<PromptData> {
    throwIfAborted(saveOptions.signal);
    const data = normaliseForSave(input, saveOptions);
    const k = keys(data.id);
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const latest = Number((await call(() => redis.hget(k.meta, 'latest'))) ?? 0);
      checkExpectedLatest(data.id, saveOptions.expectedLatest, latest);
      throwIfAborted(saveOptions.signal);
      const stamped = stampVersion(data, nextVersion(latest), now());
      const createdAt = stamped.createdAt ?? now();
      const history: HistoryEntry = { createdAt: createdAt.toISOString() };
      if (stamped.author !== undefined) history.author = stamped.author;
      if (stamped.message !== undefined) history.message = stamped.message;
      const stored = await call(() =>
        SAVE(
          redis,
          [k.meta, k.versions, k.history, indexKey],
          [
            latest,
            stamped.version,
            JSON.stringify(stamped),
            JSON.stringify(history),
            createdAt.getTime(),
            stamped.author ?? '',
            stamped.name,
            stamped.description,
            JSON.stringify(stamped.tags),
            data.id,
          ],
        ),
      );
      if (stored === 1) return stamped;
    }
    throw new LoomError('UNAVAILABLE', `Too many concurrent saves of "${data.id}"; nothing was saved`, {
      id: data.id,
    });
  }

  async function setArchived(id: string, archived: boolean, signal?: AbortSignal) {
    validatePromptId(id);
    throwIfAborted(signal);
    const done = await call(() =>
      SET_ARCHIVED(redis, [keys(id).meta], [archived ? '1' : '0', now().getTime()]),
    );
    if (done !== 1) throw promptNotFound(id);
  }

  return {
    save,

    async get(id: string, version: number, callOptions?: RegistryCallOptions) {
      const found = await findVersion(id, version, callOptions?.signal);
      if (found) return found;
      throw (await exists(id)) ? versionNotFound(id, version) : promptNotFound(id);
    },

    find: (id: string, version: number, callOptions?: RegistryCallOptions) =>
      findVersion(id, version, callOptions?.signal),

    async getLatest(id: string, callOptions?: RegistryCallOptions) {
      validatePromptId(id);
      throwIfAborted(callOptions?.signal);
      const k = keys(id);
      const json = await call(() => FIND_LATEST(redis, [k.meta, k.versions], []));
      if (typeof json !== 'string') throw promptNotFound(id);
      return parseVersion(json);
    },

    async getByLabel(id: string, label: string, callOptions?: RegistryCallOptions) {
      const found = await findByLabel(id, label, callOptions?.signal);
      if (found) return found;
      throw (await exists(id)) ? labelNotFound(id, label) : promptNotFound(id);
    },

    findByLabel: (id: string, label: string, callOptions?: RegistryCallOptions) =>
      findByLabel(id, label, callOptions?.signal),

    async list(listOptions: ListOptions = {}) {
      throwIfAborted(listOptions.signal);
      const filter = validateListOptions(listOptions);
      const ids = await call(() => redis.zrange(indexKey, '0', '-1'));
      if (ids.length === 0) return [];
      // One MULTI: every prompt's row and labels come from the same moment.
      const transaction = redis.multi();
      for (const id of ids) transaction.hgetall(keys(id).meta).hgetall(keys(id).labels);
      const replies = (await call(() => transaction.exec())) ?? [];
      const summaries = ids.map((id, i): PromptSummary => {
        const meta = replies[2 * i]?.[1] as Record<string, string>;
        const labels = replies[2 * i + 1]?.[1] as Record<string, string>;
        const summary: PromptSummary = {
          id,
          name: meta.name ?? '',
          description: meta.description ?? '',
          tags: JSON.parse(meta.tags ?? '[]') as string[],
          latestVersion: Number(meta.latest),
          labels: Object.fromEntries(Object.entries(labels).map(([label, v]) => [label, Number(v)])),
          archived: meta.archivedAt !== undefined,
          updatedAt: new Date(Number(meta.updatedAt)),
        };
        if (meta.updatedBy !== undefined) summary.updatedBy = meta.updatedBy;
        return summary;
      });
      return summaries.filter((summary) => matchesListOptions(summary, filter)).sort(compareSummaries);
    },

    async listVersions(id: string, callOptions?: RegistryCallOptions) {
      validatePromptId(id);
      throwIfAborted(callOptions?.signal);
      const k = keys(id);
      const replies = await call(() =>
        redis.multi().exists(k.meta).hgetall(k.history).hgetall(k.labels).exec(),
      );
      if (replies?.[0]?.[1] !== 1) throw promptNotFound(id);
      const history = replies[1]?.[1] as Record<string, string>;
      const labels = Object.entries(replies[2]?.[1] as Record<string, string>);
      return Object.entries(history)
        .map(([version, json]): VersionSummary => {
          const entry = JSON.parse(json) as HistoryEntry;
          const summary: VersionSummary = {
            version: Number(version),
            createdAt: new Date(entry.createdAt),
            labels: labels
              .filter(([, v]) => v === version)
              .map(([label]) => label)
              .sort(),
          };
          if (entry.author !== undefined) summary.author = entry.author;
          if (entry.message !== undefined) summary.message = entry.message;
          return summary;
        })
        .sort((a, b) => b.version - a.version);
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
      const k = keys(id);
      const stamp: LabelStamp = { updatedAt: now().toISOString() };
      if (labelOptions?.actor !== undefined) stamp.updatedBy = labelOptions.actor;
      const [status, previous] = (await call(() =>
        SET_LABEL(
          redis,
          [k.meta, k.versions, k.labels, k.labelStamps],
          [label, version, JSON.stringify(stamp)],
        ),
      )) as [number, string?];
      if (status === 0) throw promptNotFound(id);
      if (status === 1) throw versionNotFound(id, version);
      return previous ? { label, from: Number(previous), to: version } : { label, to: version };
    },

    async removeLabel(id: string, label: string, labelOptions?: LabelOptions): Promise<LabelRemoval> {
      validatePromptId(id);
      validateLabel(label);
      throwIfAborted(labelOptions?.signal);
      const k = keys(id);
      const [status, previous] = (await call(() =>
        REMOVE_LABEL(redis, [k.meta, k.labels, k.labelStamps], [label]),
      )) as [number, string?];
      if (status === 0) throw promptNotFound(id);
      return previous ? { label, from: Number(previous) } : { label };
    },

    archive: (id: string, callOptions?: RegistryCallOptions) => setArchived(id, true, callOptions?.signal),

    unarchive: (id: string, callOptions?: RegistryCallOptions) => setArchived(id, false, callOptions?.signal),
  };
}
