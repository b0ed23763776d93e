export {
  analyticsRecordSchema,
  parseAnalyticsRecord,
  parseAnalyticsRecords,
  type AnalyticsRecord,
  type StoredAnalyticsRecord,
} from './record';
export {
  Histogram,
  mergeHistograms,
  serializedHistogramSchema,
  DEFAULT_GAMMA,
  MIN_TRACKED_VALUE,
  type SerializedHistogram,
} from './histogram';
export {
  GROUP_BY_KEYS,
  analyticsQuerySchema,
  parseAnalyticsQuery,
  startOfUtcDay,
  startOfUtcHour,
  groupOf,
  groupKey,
  sortRows,
  createAggregate,
  addRecord,
  mergeAggregate,
  toAnalyticsRow,
  toTotalsRow,
  type AggregateTotals,
  type Aggregate,
  type AnalyticsCallOptions,
  type AnalyticsGroup,
  type AnalyticsQuery,
  type AnalyticsQueryInput,
  type AnalyticsRow,
  type AnalyticsStore,
  type GroupByKey,
  type LatencyPercentiles,
} from './store';
export { createMemoryStore } from './memory-store';
export {
  isValidTimeZone,
  offsetSegments,
  startOfZonedDay,
  zonedMidnight,
  zoneOffsetMs,
  type OffsetSegment,
} from './time-zone';
export {
  createBatchingRecorder,
  batchingOptionsSchema,
  type BatchingOptionsInput,
  type BatchingRecorder,
  type BatchingRecorderOptions,
} from './batching-recorder';
