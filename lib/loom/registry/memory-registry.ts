import { throwIfAborted, type PromptData, type PromptDataInput } from '../core';
import type {
  LabelMove,
  LabelOptions,
  LabelRemoval,
  ListOptions,
  PromptRegistry,
  PromptSummary,
  RegistryCallOptions,
  SaveOptions,
  VersionSummary,
} from './registry';
import {
  checkExpectedLatest,
  copyPromptData,
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
} from './registry-rules';

export interface MemoryRegistryOptions {
  /** Clock for `createdAt`; injectable so tests can control time. */
  now?: () => Date;
}

interface StoredPrompt {
  /** versions[n - 1] is version n. */
  versions: PromptData[];
  labels: Map<string, number>;
  archived: boolean;
}

/**
 * An in-process registry. Each method does all of its work synchronously after validation, so
 * concurrent calls interleave only between whole operations: saves never share a number.
 */
export function createMemoryRegistry(options: MemoryRegistryOptions = {}): PromptRegistry {
  const now = options.now ?? (() => new Date());
  const prompts = new Map<string, StoredPrompt>();

  function stored(id: string): StoredPrompt {
    const prompt = prompts.get(validatePromptId(id));
    if (!prompt) throw promptNotFound(id);
    return prompt;
  }

  function findVersion(id: string, version: number): PromptData | undefined {
    validateVersion(version);
    return prompts.get(validatePromptId(id))?.versions[version - 1];
  }

  function latestOf(prompt: StoredPrompt): PromptData {
    const latest = prompt.versions.at(-1);
    // A stored prompt always has a version: save creates both at once.
    if (!latest) throw new Error('invariant: stored prompt without versions');
    return latest;
  }

  function findByLabel(id: string, label: string): PromptData | undefined {
    validateLabel(label);
    const prompt = prompts.get(validatePromptId(id));
    const version = prompt?.labels.get(label);
    return version === undefined ? undefined : prompt?.versions[version - 1];
  }

  function summarise(prompt: StoredPrompt): PromptSummary {
    const latest = latestOf(prompt);
    const summary: PromptSummary = {
      id: latest.id,
      name: latest.name,
      description: latest.description,
      tags: [...latest.tags],
      latestVersion: latest.version,
      labels: Object.fromEntries(prompt.labels),
      archived: prompt.archived,
      updatedAt: new Date(latest.createdAt?.getTime() ?? 0),
    };
    if (latest.author !== undefined) summary.updatedBy = latest.author;
    return summary;
  }

  return {
    async save(input: PromptDataInput, saveOptions: SaveOptions = {}) {
      throwIfAborted(saveOptions.signal);
      const data = normaliseForSave(input, saveOptions);
      const existing = prompts.get(data.id);
      const latest = existing?.versions.length ?? 0;
      checkExpectedLatest(data.id, saveOptions.expectedLatest, latest);
      const version = stampVersion(data, nextVersion(latest), now());
      if (existing) existing.versions.push(version);
      else prompts.set(data.id, { versions: [version], labels: new Map(), archived: false });
      return copyPromptData(version);
    },

    async get(id: string, version: number, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      const found = findVersion(id, version);
      if (!found) throw prompts.has(id) ? versionNotFound(id, version) : promptNotFound(id);
      return copyPromptData(found);
    },

    async find(id: string, version: number, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      const found = findVersion(id, version);
      return found && copyPromptData(found);
    },

    async getLatest(id: string, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      return copyPromptData(latestOf(stored(id)));
    },

    async getByLabel(id: string, label: string, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      const found = findByLabel(id, label);
      if (!found) throw prompts.has(id) ? labelNotFound(id, label) : promptNotFound(id);
      return copyPromptData(found);
    },

    async findByLabel(id: string, label: string, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      const found = findByLabel(id, label);
      return found && copyPromptData(found);
    },

    async list(listOptions: ListOptions = {}) {
      throwIfAborted(listOptions.signal);
      const filter = validateListOptions(listOptions);
      return [...prompts.values()]
        .map(summarise)
        .filter((summary) => matchesListOptions(summary, filter))
        .sort(compareSummaries);
    },

    async listVersions(id: string, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      const prompt = stored(id);
      const labelsByVersion = new Map<number, string[]>();
      for (const [label, version] of prompt.labels) {
        labelsByVersion.set(version, [...(labelsByVersion.get(version) ?? []), label]);
      }
      return prompt.versions
        .map((data): VersionSummary => {
          const summary: VersionSummary = {
            version: data.version,
            createdAt: new Date(data.createdAt?.getTime() ?? 0),
            labels: (labelsByVersion.get(data.version) ?? []).sort(),
          };
          if (data.author !== undefined) summary.author = data.author;
          if (data.message !== undefined) summary.message = data.message;
          return summary;
        })
        .reverse();
    },

    async setLabel(
      id: string,
      label: string,
      version: number,
      labelOptions?: LabelOptions,
    ): Promise<LabelMove> {
      throwIfAborted(labelOptions?.signal);
      validateLabel(label);
      validateVersion(version);
      const prompt = stored(id);
      if (!prompt.versions[version - 1]) throw versionNotFound(id, version);
      const from = prompt.labels.get(label);
      prompt.labels.set(label, version);
      return from === undefined ? { label, to: version } : { label, from, to: version };
    },

    async removeLabel(id: string, label: string, labelOptions?: LabelOptions): Promise<LabelRemoval> {
      throwIfAborted(labelOptions?.signal);
      validateLabel(label);
      const prompt = stored(id);
      const from = prompt.labels.get(label);
      prompt.labels.delete(label);
      return from === undefined ? { label } : { label, from };
    },

    async archive(id: string, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      stored(id).archived = true;
    },

    async unarchive(id: string, callOptions?: RegistryCallOptions) {
      throwIfAborted(callOptions?.signal);
      stored(id).archived = false;
    },
  };
}
