'use client';

import { useEffect, useState } from 'react';
import type { EditorDraft, PreviewResult } from './types';

export type PreviewState = (
  | { status: 'idle' | 'loading'; result: PreviewResult | null; error: null }
  | { status: 'ready'; result: PreviewResult; error: null }
  | { status: 'error'; result: PreviewResult | null; error: string }
) & {
  /** The last result that rendered messages: shown, marked as out of date, while the draft does not render. */
  lastRendered: PreviewResult | null;
};

/**
 * Renders the draft on the server (POST /api/prompts/preview) after each edit. The request leaves
 * on the next task, so changes made in one task (a paste, an undo group) are one request; there is
 * no debounce, since the request is short (~10-30 ms) and every millisecond waited counts against
 * the 150 ms from keystroke to preview. A newer edit aborts the request in flight, so an old answer
 * never overwrites a newer one. `blocked` (e.g. an oversized template) skips the request and keeps
 * the last result.
 */
export function usePreview(
  draft: EditorDraft,
  input: Record<string, string>,
  blocked: string | null,
): PreviewState {
  const [state, setState] = useState<PreviewState>({
    status: 'idle',
    result: null,
    error: null,
    lastRendered: null,
  });
  const body = blocked ? null : JSON.stringify({ draft, input });

  useEffect(() => {
    if (body === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch('/api/prompts/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: controller.signal,
      })
        .then(async (response) => {
          const json: unknown = await response.json();
          if (!response.ok) {
            const message = (json as { message?: string }).message ?? `Preview failed (${response.status}).`;
            setState((previous) => ({
              ...previous,
              status: 'error',
              result: previous.result,
              error: message,
            }));
            return;
          }
          const result = json as PreviewResult;
          setState((previous) => ({
            status: 'ready',
            result,
            error: null,
            lastRendered: result.messages !== null ? result : previous.lastRendered,
          }));
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          setState((previous) => ({
            ...previous,
            status: 'error',
            result: previous.result,
            error: `Preview unavailable: ${message}`,
          }));
        });
    }, 0);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body]);

  return state;
}
