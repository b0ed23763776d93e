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
 * Runs inline in <head> before anything paints, and again when the system preference changes
 * while "system" is chosen. It also puts the attribute back if something removes it: React
 * resets <html>'s attributes when it renders the document itself (e.g. a not-found page after
 * an error), which would otherwise drop the page into the light theme. Self-contained (it is
 * serialized as text), never throws.
 */
export const THEME_BOOT_SCRIPT = `(function(){var k=${JSON.stringify(THEME_STORAGE_KEY)};var r=document.documentElement;var m=window.matchMedia('(prefers-color-scheme: dark)');function apply(){var p=null;try{p=localStorage.getItem(k)}catch(e){}var dark=p==='dark'||(p!=='light'&&m.matches);r.dataset.theme=dark?'dark':'light'}apply();m.addEventListener('change',apply);new MutationObserver(function(){if(!r.dataset.theme)apply()}).observe(r,{attributes:true,attributeFilter:['data-theme']})})()`;
