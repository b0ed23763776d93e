'use client';

import { useEffect } from 'react';

const QUESTION = 'You have unsaved changes. Leave and discard them?';

/**
 * While `isDirty`, asks before the tab closes or reloads (beforeunload) and before an in-app link
 * navigates away (a capture-phase click listener runs before Next's Link handler). Links to
 * `keepsDraft` paths are let through: those pages receive the draft (the playground runs it).
 */
export function useUnsavedGuard(isDirty: boolean, keepsDraft: readonly string[] = []): void {
  useEffect(() => {
    if (!isDirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
        return;
      const anchor = (event.target as Element | null)?.closest?.('a[href]');
      if (!(anchor instanceof HTMLAnchorElement) || anchor.target === '_blank') return;
      const url = new URL(anchor.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      if (keepsDraft.includes(url.pathname)) return;
      if (!window.confirm(QUESTION)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [isDirty, keepsDraft]);
}
