import Link from 'next/link';

/** Shown in place of the charts when the URL's filters cannot be answered: what is wrong, and a way out. */
export function FilterProblems({ problems, resetHref }: { problems: string[]; resetHref: string }) {
  return (
    <div
      role="alert"
      data-testid="filter-problems"
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-semibold">These filters cannot be shown:</p>
      <ul className="list-disc space-y-1 pl-5">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
      <p>
        <Link href={resetHref} className="font-medium underline">
          Show the last 7 days of everything
        </Link>{' '}
        or change the filters above.
      </p>
    </div>
  );
}
