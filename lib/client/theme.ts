'use client';

import { useSyncExternalStore } from 'react';
import { THEME_STORAGE_KEY, type Theme, type ThemePreference } from './theme-boot';

export type { Theme, ThemePreference } from './theme-boot';

/** Fired on window when this tab changes the preference (the `storage` event covers other tabs). */
const PREFERENCE_EVENT = 'loom-theme-preference';

function readThemePreference(): ThemePreference {
  try {
    const saved = localStorage.getItem(THEME_STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system';
  }
}

function applyPreference(preference: ThemePreference): void {
  const systemIsDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme =
    preference === 'system' ? (systemIsDark ? 'dark' : 'light') : preference;
}

/** Saves the choice and applies it to the page at once. */
export function setThemePreference(preference: ThemePreference): void {
  try {
    if (preference === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage may be disabled: the choice still applies to this page.
  }
  applyPreference(preference);
  window.dispatchEvent(new Event(PREFERENCE_EVENT));
}

function subscribeToPreference(onChange: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key !== THEME_STORAGE_KEY) return;
    applyPreference(readThemePreference());
    onChange();
  };
  window.addEventListener(PREFERENCE_EVENT, onChange);
  window.addEventListener('storage', onStorage);
  return () => {
    window.removeEventListener(PREFERENCE_EVENT, onChange);
    window.removeEventListener('storage', onStorage);
  };
}

/** The saved choice ('system' when none); 'system' while rendering on the server. */
export function useThemePreference(): ThemePreference {
  return useSyncExternalStore(subscribeToPreference, readThemePreference, () => 'system');
}

function subscribeToTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

/**
 * The theme in effect, re-rendering when it changes (toggle, another tab or the system): what
 * Monaco should follow. 'light' while rendering on the server.
 */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribeToTheme, currentTheme, () => 'light');
}
