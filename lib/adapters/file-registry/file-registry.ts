import 'server-only';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isLoomError, LoomError, promptIdSchema, throwIfAborted, type PromptData } from '@/lib/loom/core';
import {
  checkExpectedLatest,
  compareSummaries,
  labelNotFound,
  matchesListOptions,
  nextVersion,
  normaliseForSave,
  parsePromptDocument,
  promptNotFound,
  serializePromptDocument,
  stampVersion,
  validateLabel,
  validateListOptions,
  validatePromptId,
  validateVersion,
  versionNotFound,
  type LabelMove,
  type LabelRemoval,
  type PromptRegistry,
  type PromptSummary,
  type VersionSummary,
} from '@/lib/loom/registry';

export interface FileRegistryOptions {
  /** Directory holding one sub-directory per prompt. Created on first save. */
  root: string;
  /** Clock for `createdAt` and label timestamps; injectable so tests can control time. */
  now?: () => Date;
  /** A lock file older than this was left by a crashed writer and is taken over. */
  staleLockMs?: number;
  /** How long a label move or archive waits for another writer's lock before UNAVAILABLE. */
  lockTimeoutMs?: number;
}

/** Label moves hold the lock for milliseconds; 10 s without release means the holder died. */
const DEFAULT_STALE_LOCK_MS = 10_000;
const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
/** Each lost race means another writer published a version, so this bounds only pathological churn. */
const MAX_SAVE_ATTEMPTS = 1_000;

const VERSION_FILE = /^v(\d{6,})\.yaml$/;
const LABELS_FILE = 'labels.json';
const META_FILE = 'meta.json';
const LOCK_FILE = '.lock';
const TEMP_PREFIX = '.tmp-';

const labelsFileSchema = z.record(
  z.string(),
  z.object({ version: z.number().int().positive(), updatedAt: z.string(), updatedBy: z.string().optional() }),
);
type LabelEntry = z.infer<typeof labelsFileSchema>[string];
/** A Map, not the parsed object: a label such as "constructor" must not find Object.prototype's. */
type Labels = Map<string, LabelEntry>;

function serializeLabels(labels: Labels): string {
  return JSON.stringify(Object.fromEntries(labels), null, 2);
}

const metaFileSchema = z.object({ archivedAt: z.string().nullable() });

function versionFileName(version: number): string {
  return `v${String(version).padStart(6, '0')}.yaml`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes a new file and forces it to disk before anyone can see it under its final name. */
async function writeDurable(filePath: string, content: string): Promise<void> {
  const handle = await fs.open(filePath, 'wx');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or link in `dir` survive a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `target` atomically: readers see the old or the new content, never a partial file. */
async function replaceAtomically(target: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(target), `${TEMP_PREFIX}${randomUUID()}`);
  try {
    await writeDurable(temp, content);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

async function readOptional(filePath: string): Promise<string | undefined> {
  try {
    return await fs.readFile(filePath, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

function corrupt(filePath: string, cause: unknown): LoomError {
  const issues = isLoomError(cause) ? cause.details.issues : undefined;
  return new LoomError(
    'INTERNAL',
    `Stored registry file ${filePath} is invalid`,
    { file: filePath, issues },
    { cause },
  );
}

/**
 * A registry in a directory: `<root>/<prompt-id>/v000001.yaml` per version (the studio's prompt
 * document format), `labels.json` and `meta.json` beside them. Safe for several processes on one
 * root: versions are published with `link` (which never overwrites), labels and archive state
 * are replaced by rename under a lock file.
 */
export function createFileRegistry(options: FileRegistryOptions): PromptRegistry {
  const root = path.resolve(options.root);
  const now = options.now ?? (() => new Date());
  const staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;

  const promptDir = (id: string) => path.join(root, validatePromptId(id));

  async function versionNumbers(dir: string): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
    return names
      .map((name) => VERSION_FILE.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** A prompt exists once its first version is published; an empty directory is no prompt. */
  async function latestVersion(dir: string): Promise<number> {
    return (await versionNumbers(dir)).at(-1) ?? 0;
  }

  async function readVersion(id: string, version: number): Promise<PromptData | undefined> {
    const filePath = path.join(root, id, versionFileName(version));
    const text = await readOptional(filePath);
    if (text === undefined) return undefined;
    let data: PromptData;
    try {
      data = parsePromptDocument(text, { path: filePath });
    } catch (error) {
      throw corrupt(filePath, error);
    }
    if (data.id !== id || data.version !== version) {
      throw corrupt(filePath, new Error(`holds ${data.id} v${data.version}`));
    }
    return data;
  }

  async function readLabels(dir: string): Promise<Labels> {
    const filePath = path.join(dir, LABELS_FILE);
    const text = await readOptional(filePath);
    if (text === undefined) return new Map();
    try {
      return new Map(Object.entries(labelsFileSchema.parse(JSON.parse(text))));
    } catch (error) {
      throw corrupt(filePath, error);
    }
  }

  async function isArchived(dir: string): Promise<boolean> {
    const filePath = path.join(dir, META_FILE);
    const text = await readOptional(filePath);
    if (text === undefined) return false;
    try {
      return metaFileSchema.parse(JSON.parse(text)).archivedAt !== null;
    } catch (error) {
      throw corrupt(filePath, error);
    }
  }

  async function requirePrompt(id: string): Promise<string> {
    const dir = promptDir(id);
    if ((await latestVersion(dir)) === 0) throw promptNotFound(id);
    return dir;
  }

  /** Runs `fn` holding `<dir>/.lock` (exclusive create); the lock is released only by its owner. */
  async function withLock<T>(
    dir: string,
    id: string,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const lockPath = path.join(dir, LOCK_FILE);
    const token = randomUUID();
    const deadline = Date.now() + lockTimeoutMs;
    for (;;) {
      throwIfAborted(signal);
      try {
        const handle = await fs.open(lockPath, 'wx');
        try {
          await handle.writeFile(token, 'utf8');
        } finally {
          await handle.close();
        }
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const stat = await fs.stat(lockPath).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > staleLockMs) {
        // Move the abandoned lock aside first: of several processes noticing it, one rename wins.
        const aside = `${lockPath}.stale-${token}`;
        await fs.rename(lockPath, aside).then(
          () => fs.rm(aside, { force: true }),
          () => undefined,
        );
        continue;
      }
      if (Date.now() > deadline) {
        throw new LoomError('UNAVAILABLE', `Prompt "${id}" is locked by another writer`, {
          id,
          lock: lockPath,
        });
      }
      await sleep(2 + Math.random() * 8);
    }
    try {
      return await fn();
    } finally {
      if ((await readOptional(lockPath)) === token) await fs.rm(lockPath, { force: true });
    }
  }

  async function findByLabel(id: string, label: string, signal?: AbortSignal) {
    const dir = promptDir(id);
    validateLabel(label);
    throwIfAborted(signal);
    const entry = (await readLabels(dir)).get(label);
    return entry && readVersion(id, entry.version);
  }

  return {
    async save(input, saveOptions = {}) {
      throwIfAborted(saveOptions.signal);
      const data = normaliseForSave(input, saveOptions);
      const dir = path.join(root, data.id);
      // Checked before creating anything, so a stale expectedLatest leaves no trace.
      checkExpectedLatest(data.id, saveOptions.expectedLatest, await latestVersion(dir));
      await fs.mkdir(dir, { recursive: true });
      for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
        throwIfAborted(saveOptions.signal);
        const latest = await latestVersion(dir);
        checkExpectedLatest(data.id, saveOptions.expectedLatest, latest);
        const stamped = stampVersion(data, nextVersion(latest), now());
        const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
        try {
          await writeDurable(temp, serializePromptDocument(stamped));
          // link() fails with EEXIST instead of overwriting: the number goes to exactly one writer.
          await fs.link(temp, path.join(dir, versionFileName(stamped.version)));
        } catch (error) {
          if (errorCode(error) === 'EEXIST') continue;
          throw error;
        } finally {
          await fs.rm(temp, { force: true });
        }
        await syncDirectory(dir);
        return stamped;
      }
      throw new LoomError('UNAVAILABLE', `Prompt "${data.id}" is changing too fast to save; try again`, {
        id: data.id,
      });
    },

    async get(id, version, callOptions) {
      validatePromptId(id);
      validateVersion(version);
      throwIfAborted(callOptions?.signal);
      const found = await readVersion(id, version);
      if (found) return found;
      throw (await latestVersion(promptDir(id))) === 0 ? promptNotFound(id) : versionNotFound(id, version);
    },

    async find(id, version, callOptions) {
      validatePromptId(id);
      validateVersion(version);
      throwIfAborted(callOptions?.signal);
      return readVersion(id, version);
    },

    async getLatest(id, callOptions) {
      throwIfAborted(callOptions?.signal);
      const latest = await latestVersion(promptDir(id));
      const found = latest === 0 ? undefined : await readVersion(id, latest);
      if (!found) throw promptNotFound(id);
      return found;
    },

    async getByLabel(id, label, callOptions) {
      const found = await findByLabel(id, label, callOptions?.signal);
      if (found) return found;
      throw (await latestVersion(promptDir(id))) === 0 ? promptNotFound(id) : labelNotFound(id, label);
    },

    findByLabel: (id, label, callOptions) => findByLabel(id, label, callOptions?.signal),

    async list(listOptions = {}) {
      throwIfAborted(listOptions.signal);
      const filter = validateListOptions(listOptions);
      let names: string[];
      try {
        names = await fs.readdir(root);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return [];
        throw error;
      }
      const summaries = await Promise.all(
        names
          .filter((name) => promptIdSchema.safeParse(name).success)
          .map(async (id): Promise<PromptSummary | undefined> => {
            const dir = path.join(root, id);
            const latest = await latestVersion(dir);
            const data = latest === 0 ? undefined : await readVersion(id, latest);
            if (!data) return undefined;
            const [labels, archived] = await Promise.all([readLabels(dir), isArchived(dir)]);
            const summary: PromptSummary = {
              id,
              name: data.name,
              description: data.description,
              tags: data.tags,
              latestVersion: latest,
              labels: Object.fromEntries([...labels].map(([label, entry]) => [label, entry.version])),
              archived,
              updatedAt: data.createdAt ?? new Date(0),
            };
            if (data.author !== undefined) summary.updatedBy = data.author;
            return summary;
          }),
      );
      return summaries
        .filter(
          (summary): summary is PromptSummary => summary !== undefined && matchesListOptions(summary, filter),
        )
        .sort(compareSummaries);
    },

    async listVersions(id, callOptions) {
      throwIfAborted(callOptions?.signal);
      const dir = await requirePrompt(id);
      const [numbers, labels] = await Promise.all([versionNumbers(dir), readLabels(dir)]);
      const versions = await Promise.all(numbers.map((version) => readVersion(id, version)));
      return versions
        .filter((data): data is PromptData => data !== undefined)
        .map((data): VersionSummary => {
          const summary: VersionSummary = {
            version: data.version,
            createdAt: data.createdAt ?? new Date(0),
            labels: [...labels]
              .filter(([, entry]) => entry.version === data.version)
              .map(([label]) => label)
              .sort(),
          };
          if (data.author !== undefined) summary.author = data.author;
          if (data.message !== undefined) summary.message = data.message;
          return summary;
        })
        .reverse();
    },

    async setLabel(id, label, version, labelOptions): Promise<LabelMove> {
      validateLabel(label);
      validateVersion(version);
      throwIfAborted(labelOptions?.signal);
      const dir = await requirePrompt(id);
      return withLock(dir, id, labelOptions?.signal, async () => {
        if ((await latestVersion(dir)) < version) throw versionNotFound(id, version);
        const labels = await readLabels(dir);
        const from = labels.get(label)?.version;
        const entry: LabelEntry = { version, updatedAt: now().toISOString() };
        if (labelOptions?.actor !== undefined) entry.updatedBy = labelOptions.actor;
        await replaceAtomically(path.join(dir, LABELS_FILE), serializeLabels(labels.set(label, entry)));
        return from === undefined ? { label, to: version } : { label, from, to: version };
      });
    },

    async removeLabel(id, label, labelOptions): Promise<LabelRemoval> {
      validateLabel(label);
      throwIfAborted(labelOptions?.signal);
      const dir = await requirePrompt(id);
      return withLock(dir, id, labelOptions?.signal, async () => {
        const labels = await readLabels(dir);
        const removed = labels.get(label);
        if (!removed) return { label };
        labels.delete(label);
        await replaceAtomically(path.join(dir, LABELS_FILE), serializeLabels(labels));
        return { label, from: removed.version };
      });
    },

    async archive(id, callOptions) {
      await setArchived(id, true, callOptions?.signal);
    },

    async unarchive(id, callOptions) {
      await setArchived(id, false, callOptions?.signal);
    },
  };

  async function setArchived(id: string, archived: boolean, signal?: AbortSignal) {
    throwIfAborted(signal);
    const dir = await requirePrompt(id);
    await withLock(dir, id, signal, async () => {
      if ((await isArchived(dir)) === archived) return;
      const meta = { archivedAt: archived ? now().toISOString() : null };
      await replaceAtomically(path.join(dir, META_FILE), JSON.stringify(meta, null, 2));
    });
  }
}
