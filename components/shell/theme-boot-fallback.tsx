'use client';

import { useLayoutEffect } from 'react';
import { THEME_STORAGE_KEY, bootTheme } from '@/lib/client/theme-boot';

/**
 * When Next answers with its error document (a not-found thrown while streaming), React renders
 * the whole page in the browser and the inline boot script never runs; this applies the theme
 * before that first paint instead. A no-op when the script already did it.
 */
export function ThemeBootFallback() {
  useLayoutEffect(() => {
    if (!document.documentElement.dataset.theme) bootTheme(THEME_STORAGE_KEY);
  }, []);
  return null;
}
