/** The dashboards' views as URLs (shared by the server loaders and the filter bar). */
import { DEFAULT_PRESET } from './types';

export interface FilterValues {
  preset: string;
  fromDay?: string;
  toDay?: string;
  promptId?: string;
  model?: string;
  source?: string;
}

/** The URL of a view: only what differs from the defaults, so shared links stay short. */
export function viewHref(basePath: string, values: FilterValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (values.preset === 'custom' && values.fromDay && values.toDay) {
    params.set('from', values.fromDay);
    params.set('to', values.toDay);
  } else if (values.preset !== DEFAULT_PRESET && values.preset !== 'custom') {
    params.set('range', values.preset);
  }
  if (values.promptId) params.set('prompt', values.promptId);
  if (values.model) params.set('model', values.model);
  if (values.source) params.set('source', values.source);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const query = params.toString();
  return query ? `${basePath}?${query}` : basePath;
}
