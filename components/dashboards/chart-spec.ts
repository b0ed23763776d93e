import type { ValueFormat } from './format';
import type { SeriesPoint } from './types';

/** What a chart draws; the panel renders the same numbers as a table. */
export interface ChartSpec {
  kind: 'bar' | 'line' | 'area';
  stacked?: boolean;
  points: SeriesPoint[];
  series: { key: string; label: string }[];
  grain: 'hour' | 'day';
  timeZone: string;
  format: ValueFormat;
  /** Vertical markers at bucket starts (e.g. where production moved). */
  markers?: { t: string; label: string }[];
  height?: number;
}
