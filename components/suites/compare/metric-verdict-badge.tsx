import { VERDICT_TEXT } from './format';
import type { MetricVerdict } from './types';

const STYLE: Record<MetricVerdict, { mark: string; classes: string }> = {
  regression: {
    mark: '▼',
    classes: 'border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200',
  },
  improvement: {
    mark: '▲',
    classes:
      'border-emerald-300 bg-emerald-50 text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  },
  'no-detectable-change': {
    mark: '=',
    classes:
      'border-zinc-300 bg-zinc-50 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200',
  },
  'not-tested': {
    mark: '·',
    classes: 'border-dashed border-zinc-300 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400',
  },
  'not-measurable': {
    mark: '·',
    classes: 'border-dashed border-zinc-300 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400',
  },
};

/** A verdict in words with its colour and a mark, so it reads without colour too. */
export function MetricVerdictBadge({ verdict }: { verdict: MetricVerdict }) {
  const { mark, classes } = STYLE[verdict];
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap ${classes}`}
      data-verdict={verdict}
    >
      <span aria-hidden="true">{mark}</span>
      {VERDICT_TEXT[verdict]}
    </span>
  );
}
