import type { Usage } from '../core';
import { errorCode, observeStream, systemClock, wrapProvider, type Clock, type Middleware } from './wrap';

export type Labels = Record<string, string>;

/** Where metrics go: a Prometheus/OTel adapter or the in-memory sink. */
export interface MetricsSink {
  increment(name: string, labels: Labels, value?: number): void;
  observe(name: string, labels: Labels, value: number): void;
}

export const METRIC_REQUESTS = 'loom_provider_requests_total';
export const METRIC_LATENCY = 'loom_provider_latency_ms';
export const METRIC_TOKENS = 'loom_provider_tokens_total';

export interface MetricsOptions {
  sink: MetricsSink;
  clock?: Clock;
}

/** Counts calls by outcome (`ok` or the error code), observes latency, and sums tokens. */
export function metrics(options: MetricsOptions): Middleware {
  const { sink } = options;
  const clock = options.clock ?? systemClock;
  return (next) => {
    // Label objects are reused per (method, model, outcome): sinks may key caches on their identity.
    // Nested maps, not a joined key: no string is built per call.
    type LabelSets = { request: Labels; latency: Labels; input: Labels; output: Labels };
    const labelSets = new Map<string, Map<string, Map<string, LabelSets>>>();
    const labelsFor = (model: string, method: string, outcome: string) => {
      let byModel = labelSets.get(method);
      if (!byModel) labelSets.set(method, (byModel = new Map()));
      let byOutcome = byModel.get(model);
      if (!byOutcome) byModel.set(model, (byOutcome = new Map()));
      let sets = byOutcome.get(outcome);
      if (!sets) {
        const provider = next.name;
        sets = {
          request: { provider, model, method, outcome },
          latency: { provider, model, method },
          input: { provider, model, direction: 'input' },
          output: { provider, model, direction: 'output' },
        };
        byOutcome.set(outcome, sets);
      }
      return sets;
    };
    const record = (method: string, model: string, started: number, outcome: string, usage?: Usage) => {
      const labels = labelsFor(model, method, outcome);
      sink.increment(METRIC_REQUESTS, labels.request);
      sink.observe(METRIC_LATENCY, labels.latency, clock.now() - started);
      if (usage) {
        sink.increment(METRIC_TOKENS, labels.input, usage.inputTokens);
        sink.increment(METRIC_TOKENS, labels.output, usage.outputTokens);
      }
    };
    return wrapProvider(next, {
      async complete(request, callOptions) {
        const started = clock.now();
        try {
          const completion = await next.complete(request, callOptions);
          record('complete', request.model, started, 'ok', completion.usage);
          return completion;
        } catch (error) {
          record('complete', request.model, started, errorCode(error));
          throw error;
        }
      },
      stream(request, callOptions) {
        const started = clock.now();
        return observeStream(next.stream(request, callOptions), (outcome) =>
          outcome.ok
            ? record('stream', request.model, started, 'ok', outcome.done.usage)
            : record('stream', request.model, started, errorCode(outcome.error)),
        );
      },
    });
  };
}

export const DEFAULT_LATENCY_BUCKETS_MS = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
] as const;

export interface HistogramSnapshot {
  count: number;
  sum: number;
  /** Cumulative counts per upper bound, Prometheus-style; the last bound is Infinity. */
  buckets: { le: number; count: number }[];
}

export interface MemoryMetricsSink extends MetricsSink {
  /** Sum of a counter over every label set that contains `labels`. */
  counter(name: string, labels?: Labels): number;
  histogram(name: string, labels?: Labels): HistogramSnapshot;
}

interface Series {
  labels: Labels;
  value: number;
  sum: number;
  counts: number[];
}

interface Store {
  all: Map<string, Series>;
  byLabels: WeakMap<Labels, Map<string, Series>>;
}

/** Keeps counters and histograms in memory: for tests, the studio's live panel and benchmarks. */
export function createMemoryMetricsSink(
  bounds: readonly number[] = DEFAULT_LATENCY_BUCKETS_MS,
): MemoryMetricsSink {
  const les = [...bounds].sort((a, b) => a - b).concat(Infinity);
  // Each store finds the series of a reused label object (the metrics middleware reuses them) by
  // identity, without building a key string per call.
  const counters: Store = { all: new Map(), byLabels: new WeakMap() };
  const histograms: Store = { all: new Map(), byLabels: new WeakMap() };
  const labelKey = (labels: Labels) =>
    Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(',');
  const series = (store: Store, name: string, labels: Labels) => {
    let known = store.byLabels.get(labels);
    if (!known) {
      known = new Map();
      store.byLabels.set(labels, known);
    }
    let entry = known.get(name);
    if (!entry) {
      const key = `${name}{${labelKey(labels)}}`;
      entry = store.all.get(key);
      if (!entry) {
        entry = { labels: { ...labels, __name__: name }, value: 0, sum: 0, counts: les.map(() => 0) };
        store.all.set(key, entry);
      }
      known.set(name, entry);
    }
    return entry;
  };
  const matching = (store: Store, name: string, labels: Labels) =>
    [...store.all.values()].filter(
      (s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );

  return {
    increment(name, labels, value = 1) {
      series(counters, name, labels).value += value;
    },
    observe(name, labels, value) {
      const entry = series(histograms, name, labels);
      entry.value += 1;
      entry.sum += value;
      // Stored per bucket; made cumulative when read.
      let i = 0;
      while (i < les.length - 1 && value > (les[i] ?? Infinity)) i++;
      entry.counts[i] = (entry.counts[i] ?? 0) + 1;
    },
    counter(name, labels = {}) {
      return matching(counters, name, labels).reduce((sum, s) => sum + s.value, 0);
    },
    histogram(name, labels = {}) {
      const found = matching(histograms, name, labels);
      return {
        count: found.reduce((sum, s) => sum + s.value, 0),
        sum: found.reduce((sum, s) => sum + s.sum, 0),
        buckets: les.map((le, i) => ({
          le,
          count: found.reduce((sum, s) => sum + s.counts.slice(0, i + 1).reduce((a, b) => a + b, 0), 0),
        })),
      };
    },
  };
}
