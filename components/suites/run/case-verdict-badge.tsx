const VERDICT_TONE = {
  pass: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  fail: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  error: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
} as const;

/** A case's verdict (automated or reviewed): pass, fail or error. */
export function CaseVerdictBadge({ verdict }: { verdict: 'pass' | 'fail' | 'error' }) {
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${VERDICT_TONE[verdict]}`}>
      {verdict === 'error' ? 'error' : verdict}
    </span>
  );
}
