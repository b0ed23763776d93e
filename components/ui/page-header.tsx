import type { ReactNode } from 'react';

/**
 * A page's title with its description and actions. On a narrow screen the actions wrap below the
 * title instead of squeezing it; a long title breaks rather than widening the page.
 */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
      <div className="min-w-0 flex-1 basis-64">
        <h1 className="text-2xl font-semibold break-words">{title}</h1>
        {description ? (
          <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>
        ) : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </header>
  );
}
