import type { PromptData, PromptDataInput } from '../core';

/** Every registry call accepts a signal; an aborted call throws CANCELLED before it changes anything. */
export interface RegistryCallOptions {
  signal?: AbortSignal;
}

export interface SaveOptions extends RegistryCallOptions {
  author?: string;
  message?: string;
  /** Optimistic concurrency: the latest version the caller saw (0 = the prompt must be new). */
  expectedLatest?: number;
}

export interface ListOptions extends RegistryCallOptions {
  /** Case-insensitive substring of id, name or description. */
  search?: string;
  /** Exact tag. */
  tag?: string;
  includeArchived?: boolean;
}

export interface LabelOptions extends RegistryCallOptions {
  actor?: string;
}

export interface PromptSummary {
  id: string;
  name: string;
  description: string;
  tags: string[];
  latestVersion: number;
  /** label -> version */
  labels: Record<string, number>;
  archived: boolean;
  /** When and by whom the latest version was saved. */
  updatedAt: Date;
  updatedBy?: string;
}

export interface VersionSummary {
  version: number;
  author?: string;
  message?: string;
  createdAt: Date;
  /** Labels pointing at this version, sorted. */
  labels: string[];
}

export interface LabelMove {
  label: string;
  /** The version the label pointed at before, if it existed. */
  from?: number;
  to: number;
}

export interface LabelRemoval {
  label: string;
  /** The version the label pointed at; undefined when it was not set. */
  from?: number;
}

/**
 * The prompt store of ONE workspace. Versions are immutable and numbered 1, 2, 3... per prompt;
 * labels point at exactly one version each and move atomically. Reads return deep copies with
 * no renderer attached.
 */
export interface PromptRegistry {
  /** Stores a new immutable version (previous latest + 1). Throws CONFLICT when `expectedLatest` is stale. */
  save(input: PromptDataInput, options?: SaveOptions): Promise<PromptData>;
  /** Throws NOT_FOUND when the prompt or version does not exist. */
  get(id: string, version: number, options?: RegistryCallOptions): Promise<PromptData>;
  find(id: string, version: number, options?: RegistryCallOptions): Promise<PromptData | undefined>;
  getLatest(id: string, options?: RegistryCallOptions): Promise<PromptData>;
  getByLabel(id: string, label: string, options?: RegistryCallOptions): Promise<PromptData>;
  findByLabel(id: string, label: string, options?: RegistryCallOptions): Promise<PromptData | undefined>;
  /** Summaries, most recently saved first; archived prompts only with `includeArchived`. */
  list(options?: ListOptions): Promise<PromptSummary[]>;
  /** Newest first. Throws NOT_FOUND for an unknown prompt. */
  listVersions(id: string, options?: RegistryCallOptions): Promise<VersionSummary[]>;
  /** Points `label` at `version` (which must exist), returning where it pointed before. */
  setLabel(id: string, label: string, version: number, options?: LabelOptions): Promise<LabelMove>;
  removeLabel(id: string, label: string, options?: LabelOptions): Promise<LabelRemoval>;
  /** Hides the prompt from `list`; it stays readable and can be unarchived. Idempotent. */
  archive(id: string, options?: RegistryCallOptions): Promise<void>;
  unarchive(id: string, options?: RegistryCallOptions): Promise<void>;
}
