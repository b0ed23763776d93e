'use client';

import { useSyncExternalStore } from 'react';

// The app's colours follow `prefers-color-scheme` (globals.css: Tailwind's default `dark:` variant).
// A `dark`/`light` class or `data-theme` on <html> wins over the system preference, so a theme
// switch added to the shell later is followed without touching the editors.
const QUERY = '(prefers-color-scheme: dark)';

function isDark(): boolean {
  const root = document.documentElement;
  const forced =
    root.dataset.theme ??
    (root.classList.contains('dark') ? 'dark' : root.classList.contains('light') ? 'light' : undefined);
  if (forced === 'dark' || forced === 'light') return forced === 'dark';
  return window.matchMedia(QUERY).matches;
}

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(QUERY);
  media.addEventListener('change', onChange);
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme'] });
  return () => {
    media.removeEventListener('change', onChange);
    observer.disconnect();
  };
}

/** Monaco's theme for the page's current colour scheme, updated live when the scheme changes. */
export function useMonacoTheme(): 'vs' | 'vs-dark' {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);
  return dark ? 'vs-dark' : 'vs';
}
