/**
 * The studio's colour theme. The resolved theme is always on the root element as
 * `document.documentElement.dataset.theme` ('light' | 'dark'); that attribute is the one source
 * every consumer follows (Tailwind's `dark:` variant, Monaco). The saved preference lives in
 * localStorage so an inline script can apply it before the first paint (no flash of the wrong
 * theme) and static pages stay static.
 */
export type Theme = 'light' | 'dark';
export type ThemePreference = Theme | 'system';

export const THEME_STORAGE_KEY = 'loom-theme';

/**
 * Applies the saved choice (else the system's), follows the system while nothing is saved, and
 * puts the attribute back if something removes it: React resets <html>'s attributes when it
 * renders the document itself. Self-contained, because it is also serialized into an inline
 * script; never throws.
 */
export function bootTheme(storageKey: string): void {
  const root = document.documentElement;
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    let saved: string | null = null;
    try {
      saved = localStorage.getItem(storageKey);
    } catch {
      // Storage blocked: follow the system.
    }
    root.dataset.theme = saved === 'dark' || (saved !== 'light' && media.matches) ? 'dark' : 'light';
  };
  apply();
  media.addEventListener('change', apply);
  new MutationObserver(() => {
    if (!root.dataset.theme) apply();
  }).observe(root, { attributes: true, attributeFilter: ['data-theme'] });
}

/** Runs inline in <head>, before anything paints. */
export const THEME_BOOT_SCRIPT = `(${bootTheme.toString()})(${JSON.stringify(THEME_STORAGE_KEY)})`;
