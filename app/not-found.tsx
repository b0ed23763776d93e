export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-accent dark:text-accent-soft">404</p>
      <h1 className="text-2xl font-semibold">This page does not exist</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">The link may be old, or the item was archived or deleted.</p>
      {/* A plain link: next/link here would ship its router code twice on every page. */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- see above */}
      <a href="/" className="text-sm font-medium text-accent hover:underline dark:text-accent-soft">
        Back to the studio
      </a>
    </main>
  );
}
