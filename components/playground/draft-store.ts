'use client';

// Hands the editor's unsaved state to the playground tab of the same prompt: the editor calls
// `useDraftHandOff` as the user types; the playground offers "Unsaved draft" when one is present.
// sessionStorage keeps it per browser tab and drops it with the tab.
import { useEffect } from 'react';

const keyOf = (promptId: string) => `loom:draft:${promptId}`;

/** A full PromptData-shaped object (validated by the server when it runs). */
export type StoredDraft = Record<string, unknown> & { id: string };

/** The stored text, for `useSyncExternalStore` (a string snapshot compares by value). */
export function readDraftText(promptId: string): string | null {
  return sessionStorage.getItem(keyOf(promptId));
}

/** Storage events tell about changes made in other tabs of the same origin. */
export function subscribeToDrafts(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  return () => window.removeEventListener('storage', onChange);
}

export function parseDraft(promptId: string, raw: string | null): StoredDraft | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && (value as { id?: unknown }).id === promptId
      ? (value as StoredDraft)
      : undefined;
  } catch {
    return undefined;
  }
}

export function clearDraft(promptId: string): void {
  sessionStorage.removeItem(keyOf(promptId));
}

/**
 * The editor's side: stores the unsaved draft while there is one (as PromptData: id and version 0
 * added) and removes it once saved or reverted, so the playground never offers a stale draft.
 */
export function useDraftHandOff(promptId: string, draft: object | undefined): void {
  const text = draft ? JSON.stringify({ ...draft, id: promptId, version: 0 }) : null;
  useEffect(() => {
    if (text === null) clearDraft(promptId);
    else sessionStorage.setItem(keyOf(promptId), text);
  }, [promptId, text]);
}
