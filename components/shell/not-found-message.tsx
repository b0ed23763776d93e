/** What a missing page says, inside the studio's frame or on its own. */
export function NotFoundMessage() {
  return (
    <div className="flex flex-col items-center gap-3 py-16 text-center">
      <p className="text-sm font-semibold text-accent dark:text-accent-soft">404</p>
      <h1 className="text-2xl font-semibold">This page does not exist</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        The link may be old, or the item was archived or deleted.
      </p>
      {/* A plain link: next/link here would ship its router code twice on every page. */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- see above */}
      <a href="/" className="text-sm font-medium text-accent hover:underline dark:text-accent-soft">
        Back to the studio
      </a>
    </div>
  );
}
