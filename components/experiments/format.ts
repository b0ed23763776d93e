import type { ExperimentPhase, MetricKind, VariantStatus } from './types';

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** A rate as a percent, or a numeric metric's mean. */
export function formatMetric(value: number, kind: MetricKind): string {
  if (!Number.isFinite(value)) return '–';
  return kind === 'binary' ? `${(value * 100).toFixed(2)}%` : value.toPrecision(4);
}

export function formatInterval(interval: [number, number], kind: MetricKind): string {
  return `${formatMetric(interval[0], kind)} – ${formatMetric(interval[1], kind)}`;
}

/** A relative change, signed: +12.3%. */
export function formatLift(lift: number | null): string {
  if (lift === null || !Number.isFinite(lift)) return '–';
  const percent = lift * 100;
  return `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

export function formatLiftInterval(interval: [number, number] | null): string {
  if (!interval) return '–';
  return `${formatLift(interval[0])} to ${formatLift(interval[1])}`;
}

export function formatPValue(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.0001) return '< 0.0001';
  return p.toFixed(4);
}

export const PHASE_LABEL: Record<ExperimentPhase, string> = {
  draft: 'Draft',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  completed: 'Completed',
};

export const PHASE_TONE: Record<ExperimentPhase, string> = {
  draft: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  running: 'bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200',
  paused: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200',
  stopped: 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  completed: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
};

export function statusText(status: VariantStatus): string {
  switch (status.kind) {
    case 'control':
      return 'Control';
    case 'collecting':
      return `Collecting: ${formatCount(status.n)} of planned ${formatCount(status.planned)}`;
    case 'no-difference-yet':
      return 'No detectable difference yet';
    case 'winner':
      return 'Winner';
    case 'better':
      return 'Better than control';
    case 'worse':
      return 'Worse than control';
  }
}

/** Row and badge colours by status; green wins, red loses, neutral otherwise. */
export function statusTone(status: VariantStatus): string {
  switch (status.kind) {
    case 'winner':
    case 'better':
      return 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200';
    case 'worse':
      return 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200';
    case 'no-difference-yet':
      return 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200';
    default:
      return 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300';
  }
}
