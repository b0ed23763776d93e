export {
  chain,
  wrapProvider,
  observeStream,
  systemClock,
  type Middleware,
  type Clock,
  type StreamOutcome,
} from './wrap';
export { redact, redactText, REDACTED } from './redact';
export { logging, type LogEntry, type LoggingOptions } from './logging';
export {
  metrics,
  createMemoryMetricsSink,
  DEFAULT_LATENCY_BUCKETS_MS,
  METRIC_REQUESTS,
  METRIC_LATENCY,
  METRIC_TOKENS,
  type MetricsSink,
  type MemoryMetricsSink,
  type MetricsOptions,
  type HistogramSnapshot,
  type Labels,
} from './metrics';
export {
  cache,
  cacheKey,
  type CacheOptions,
  type CompletionCacheStore,
  type SharedCompletion,
} from './cache';
export { rateLimit, type RateLimitOptions } from './rate-limit';
export {
  createSlidingWindowRateLimiter,
  limitCalls,
  type RateLimiter,
  type RateLimitDecision,
  type SlidingWindowOptions,
  type LimitCallsOptions,
} from './rate-limiter';
export { circuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker';
