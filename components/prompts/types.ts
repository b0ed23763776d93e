/** Serializable shapes the prompts screens receive from server components and GET routes. */

export interface PromptRow {
  id: string;
  name: string;
  description: string;
  tags: string[];
  latestVersion: number;
  labels: Record<string, number>;
  archived: boolean;
  /** ISO time of the latest save and who made it (the last editor). */
  updatedAt: string;
  updatedBy: string | null;
  /** Where production points and since when (ISO), if it is set. */
  production: { version: number; since: string } | null;
}

export interface PromptListResponse {
  prompts: PromptRow[];
  /** Every tag in the workspace, for the tag filter. */
  tags: string[];
  /** Server time of the answer (ISO), so ages render the same on the server and in the browser. */
  now: string;
}

export interface PromptListQuery {
  search: string;
  tag: string;
  includeArchived: boolean;
}

export interface VersionRow {
  version: number;
  author: string | null;
  message: string | null;
  createdAt: string;
  labels: string[];
}

export interface AuditRow {
  id: string;
  actorEmail: string;
  action: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface VersionText {
  version: number;
  /** The canonical YAML of the version: stable key order, every part of the prompt. */
  text: string;
  /** The same content cut into the parts Compare diffs separately, templates first. */
  sections: VersionSection[];
}

export interface VersionSection {
  key: 'system' | 'user' | 'variables' | 'examples' | 'settings';
  title: string;
  text: string;
}

export interface ImportResult {
  /** Prompts saved as a new version, with the number they got. */
  saved: { id: string; version: number }[];
  /** Prompts whose content equals their latest version: nothing was saved for them. */
  unchanged: string[];
}

/** Below Next's 1 MB server-action body limit, so an oversize import gets our message, not a 413. */
export const MAX_IMPORT_BYTES = 900 * 1024;

export const PRODUCTION = 'production';
export const STAGING = 'staging';

/**
 * Labels applications serve: they move only through Promote and Roll back, which ask for
 * confirmation; "Set label" and "remove" refuse them.
 */
export const PROTECTED_LABELS: readonly string[] = [PRODUCTION];

export const isProtectedLabel = (label: string) => PROTECTED_LABELS.includes(label.trim().toLowerCase());
