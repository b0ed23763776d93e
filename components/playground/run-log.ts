// The playground's runs of this browser tab, newest first, so runs of different versions, drafts or
// models can be compared side by side. sessionStorage keeps them across the page reloads that
// switching versions causes, and drops them with the tab.
import type { Message } from '@/lib/loom/core/prompt';

/** Enough to compare a handful of variants; older runs drop off. */
export const MAX_SESSION_RUNS = 8;

export interface SessionRun {
  id: string;
  /** ISO time the run started. */
  at: string;
  /** "v3" or "draft". */
  source: string;
  provider: string;
  model: string;
  input: Record<string, unknown>;
  messages: Message[];
  output: string;
  status: 'done' | 'cancelled' | 'failed';
  error?: string;
  metrics?: { latencyMs: number; inputTokens: number; outputTokens: number; costMicros: number | null };
}

const keyOf = (promptId: string) => `loom:runs:${promptId}`;
const listeners = new Set<() => void>();

export function subscribeToRuns(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

/** The stored text, for `useSyncExternalStore` (a string snapshot compares by value). */
export function readRunsText(promptId: string): string | null {
  return sessionStorage.getItem(keyOf(promptId));
}

export function parseRuns(text: string | null): SessionRun[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as SessionRun[]) : [];
  } catch {
    return [];
  }
}

/** Adds a finished run in front and keeps the newest MAX_SESSION_RUNS. */
export function withRun(runs: SessionRun[], run: SessionRun): SessionRun[] {
  return [run, ...runs.filter((r) => r.id !== run.id)].slice(0, MAX_SESSION_RUNS);
}

export function recordRun(promptId: string, run: SessionRun): void {
  write(promptId, withRun(parseRuns(readRunsText(promptId)), run));
}

export function clearRuns(promptId: string): void {
  sessionStorage.removeItem(keyOf(promptId));
  for (const listener of listeners) listener();
}

function write(promptId: string, runs: SessionRun[]): void {
  try {
    sessionStorage.setItem(keyOf(promptId), JSON.stringify(runs));
  } catch {
    // Storage full: the run still shows as the current answer, it just is not kept.
    return;
  }
  for (const listener of listeners) listener();
}
