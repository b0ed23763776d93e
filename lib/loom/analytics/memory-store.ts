import { throwIfAborted } from '../core';
import { parseAnalyticsRecords, type AnalyticsRecord } from './record';
import {
  addRecord,
  createAggregate,
  groupKey,
  groupOf,
  parseAnalyticsQuery,
  sortRows,
  toAnalyticsRow,
  toTotalsRow,
  type Aggregate,
  type AnalyticsGroup,
  type AnalyticsStore,
} from './store';

/** In-process AnalyticsStore: keeps every record; sums are exact, percentiles come from histograms. */
export function createMemoryStore(): AnalyticsStore {
  const records: AnalyticsRecord[] = [];

  return {
    async record(input, options) {
      throwIfAborted(options?.signal);
      const batch = parseAnalyticsRecords(input);
      // Copies, so callers mutating their objects (or Dates) later cannot change stored history.
      for (const record of batch) records.push({ ...record, at: new Date(record.at.getTime()) });
    },

    async query(input, options) {
      throwIfAborted(options?.signal);
      const { from, to, groupBy, filter, latency, timeZone } = parseAnalyticsQuery(input);
      const groups = new Map<string, { group: AnalyticsGroup; aggregate: Aggregate }>();
      const start = from.getTime();
      const end = to.getTime();
      for (const record of records) {
        const at = record.at.getTime();
        if (at < start || at >= end) continue;
        if (filter.promptId !== undefined && record.promptId !== filter.promptId) continue;
        if (filter.version !== undefined && record.version !== filter.version) continue;
        if (filter.model !== undefined && record.model !== filter.model) continue;
        if (filter.provider !== undefined && record.provider !== filter.provider) continue;
        if (filter.apiKeyId !== undefined && record.apiKeyId !== filter.apiKeyId) continue;
        const source = record.source ?? 'playground';
        if (filter.source !== undefined && !filter.source.includes(source)) continue;
        if (filter.excludeSource?.includes(source)) continue;
        const group = groupOf(record, groupBy, timeZone);
        const key = groupKey(group);
        let entry = groups.get(key);
        if (!entry) {
          entry = { group, aggregate: createAggregate() };
          groups.set(key, entry);
        }
        addRecord(entry.aggregate, record);
      }
      return sortRows(
        [...groups.values()].map(({ group, aggregate }) =>
          latency ? toAnalyticsRow(group, aggregate) : toTotalsRow(group, aggregate),
        ),
        groupBy,
      );
    },
  };
}
