/** The editor's text inputs and selects: a visible focus ring, red when aria-invalid. */
export const CONTROL =
  'w-full min-w-0 rounded border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-accent aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';

/** A field's visible label above its control. */
export const LABEL = 'block space-y-0.5 text-xs font-medium text-zinc-600 dark:text-zinc-400';
