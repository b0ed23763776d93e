import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { createPrismaAnalyticsStore } from '@/lib/adapters/prisma/analytics';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { DEFAULT_GAMMA, type AnalyticsRecord } from '@/lib/loom/analytics';

// Ninety days of made-up traffic for the demo workspace, so the dashboards are alive at first
// sign-in: weekday business hours busier than nights and weekends, slow growth, nightly suite runs
// with their judge, a few API keys, some errors, a model without a price, and support-reply's
// promotion to version 2 thirty days ago (in the audit log as a production label move) after which
// its cost jumps. History goes straight into the rollup tables with a few set-based statements (the
// raw runs would be millions of rows); the last two hours are raw runs, which the rollup job folds
// like any others. Called only for a workspace the first start just created, and it checks again.

export const DEMO_TRAFFIC_DAYS = 90;
/** Hours before now kept as raw runs (the rest is seeded as rollups). */
const RAW_TAIL_HOURS = 2;
/** The promotion of support-reply v2, this many days before the seed. */
const PROMOTION_DAYS_AGO = 30;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Pattern = 'business' | 'nightly' | 'sporadic';

/** One stream of calls: a prompt version through a model, from one source, at a base rate per busy hour. */
interface Stream {
  promptId: string;
  version: number;
  model: string;
  provider: string;
  source: 'playground' | 'api' | 'suite' | 'judge';
  apiKey?: 'web' | 'zap';
  perHour: number;
  /** Days before now the stream runs between: [fromDay, toDay). */
  fromDay: number;
  toDay: number;
  inTokens: number;
  outTokens: number;
  /** Micro-dollars per token (USD per million tokens), or null: no known price. */
  inPrice: number | null;
  outPrice: number | null;
  latencyMs: number;
  errorRate: number;
  pattern: Pattern;
}

const ALL = { fromDay: DEMO_TRAFFIC_DAYS, toDay: 0 };
const BEFORE = { fromDay: DEMO_TRAFFIC_DAYS, toDay: PROMOTION_DAYS_AGO };
const AFTER = { fromDay: PROMOTION_DAYS_AGO, toDay: 0 };
const mini = { model: 'gpt-4o-mini', provider: 'openai', inPrice: 0.15, outPrice: 0.6 };
const big = { model: 'gpt-4o', provider: 'openai', inPrice: 2.5, outPrice: 10 };
const llama = { model: 'llama3', provider: 'ollama', inPrice: 0, outPrice: 0 };
const house = { model: 'house-model-7', provider: 'simulator', inPrice: null, outPrice: null };

const STREAMS: Stream[] = [
  // support-reply: v1 on mini until the promotion; v2 (longer replies, hard cases on gpt-4o) after.
  {
    promptId: 'support-reply',
    version: 1,
    ...mini,
    source: 'api',
    apiKey: 'web',
    perHour: 60,
    ...BEFORE,
    inTokens: 420,
    outTokens: 180,
    latencyMs: 900,
    errorRate: 0.02,
    pattern: 'business',
  },
  {
    promptId: 'support-reply',
    version: 2,
    ...mini,
    source: 'api',
    apiKey: 'web',
    perHour: 45,
    ...AFTER,
    inTokens: 640,
    outTokens: 320,
    latencyMs: 1300,
    errorRate: 0.02,
    pattern: 'business',
  },
  {
    promptId: 'support-reply',
    version: 2,
    ...big,
    source: 'api',
    apiKey: 'web',
    perHour: 15,
    ...AFTER,
    inTokens: 640,
    outTokens: 320,
    latencyMs: 2100,
    errorRate: 0.03,
    pattern: 'business',
  },
  {
    promptId: 'support-reply',
    version: 2,
    ...mini,
    source: 'playground',
    perHour: 3,
    ...ALL,
    inTokens: 600,
    outTokens: 300,
    latencyMs: 1200,
    errorRate: 0.05,
    pattern: 'sporadic',
  },
  // classify-intent: high volume, tiny calls; the Zapier key sends part of it.
  {
    promptId: 'classify-intent',
    version: 1,
    ...mini,
    source: 'api',
    apiKey: 'web',
    perHour: 120,
    ...ALL,
    inTokens: 160,
    outTokens: 3,
    latencyMs: 380,
    errorRate: 0.01,
    pattern: 'business',
  },
  {
    promptId: 'classify-intent',
    version: 1,
    ...mini,
    source: 'api',
    apiKey: 'zap',
    perHour: 40,
    ...ALL,
    inTokens: 160,
    outTokens: 3,
    latencyMs: 400,
    errorRate: 0.04,
    pattern: 'business',
  },
  {
    promptId: 'classify-intent',
    version: 2,
    ...mini,
    source: 'playground',
    perHour: 2,
    ...ALL,
    inTokens: 420,
    outTokens: 3,
    latencyMs: 420,
    errorRate: 0.02,
    pattern: 'sporadic',
  },
  // summarize-ticket: on a self-hosted llama (free) and the in-house model nobody priced yet.
  {
    promptId: 'summarize-ticket',
    version: 1,
    ...llama,
    source: 'api',
    apiKey: 'zap',
    perHour: 20,
    ...ALL,
    inTokens: 900,
    outTokens: 90,
    latencyMs: 1600,
    errorRate: 0.03,
    pattern: 'business',
  },
  {
    promptId: 'summarize-ticket',
    version: 1,
    ...house,
    source: 'api',
    apiKey: 'zap',
    perHour: 12,
    ...ALL,
    inTokens: 900,
    outTokens: 90,
    latencyMs: 700,
    errorRate: 0.06,
    pattern: 'business',
  },
  // The nightly "Intent routing" suite run and its judge: evaluation cost, apart from product cost.
  {
    promptId: 'classify-intent',
    version: 2,
    ...mini,
    source: 'suite',
    perHour: 24,
    ...ALL,
    inTokens: 420,
    outTokens: 3,
    latencyMs: 450,
    errorRate: 0.01,
    pattern: 'nightly',
  },
  {
    promptId: 'intent-judge',
    version: 1,
    ...big,
    source: 'judge',
    perHour: 24,
    ...ALL,
    inTokens: 520,
    outTokens: 40,
    latencyMs: 1100,
    errorRate: 0.01,
    pattern: 'nightly',
  },
];

/** Latency histogram shape: bucket offsets around the median's bucket and each one's share. */
const SHAPE: [offset: number, share: number][] = [
  [-46, 0.1],
  [-20, 0.25],
  [0, 0.35],
  [23, 0.2],
];
const LAST_SHARE_OFFSET = 55;

/** The demo's two API keys; nobody knows their secrets (random, only hashed), so they cannot be used. */
const DEMO_KEYS = {
  web: { id: 'demo-key-website', name: 'Website chat (demo)' },
  zap: { id: 'demo-key-zapier', name: 'Zapier (demo)' },
} as const;
/** Ids of the demo traffic's keys: not keys anyone holds, so they do not count as the workspace having one. */
export const DEMO_TRAFFIC_KEY_IDS: string[] = Object.values(DEMO_KEYS).map((key) => key.id);

/** How busy an hour is, 0..1, by pattern: the same rule for seeded history and the raw tail. */
function shapeOf(pattern: Pattern, at: Date): number {
  const hour = at.getUTCHours();
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
  if (pattern === 'nightly') return hour === 2 ? 1 : 0;
  const day = hour >= 6 && hour <= 20 ? 0.15 + 0.85 * Math.sin((Math.PI * (hour - 6)) / 14) : 0.12;
  return day * (weekend ? 0.35 : 1);
}

export interface DemoTrafficResult {
  seeded: boolean;
  hourlyRows: number;
  rawRuns: number;
}

/**
 * Seeds the demo traffic into `workspaceId` when it is the demo workspace and has no analytics
 * yet; otherwise does nothing. Returns what it wrote.
 */
export async function seedDemoTraffic(
  prisma: PrismaClient,
  workspaceId: string,
  options: { now?: Date; demoSlug: string; author: string },
): Promise<DemoTrafficResult> {
  const none = { seeded: false, hourlyRows: 0, rawRuns: 0 };
  const workspace = await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { slug: true } });
  if (workspace?.slug !== options.demoSlug) return none;
  const [rolled, raw] = await Promise.all([
    prisma.analyticsHourlyTotal.findFirst({ where: { workspaceId }, select: { start: true } }),
    prisma.analyticsRun.findFirst({ where: { workspaceId }, select: { id: true } }),
  ]);
  if (rolled || raw) return none;

  const now = options.now ?? new Date();
  const tailStart = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - RAW_TAIL_HOURS * HOUR_MS);
  const historyStart = new Date(tailStart.getTime() - DEMO_TRAFFIC_DAYS * DAY_MS);
  const streams = STREAMS.map((s) => ({
    ...s,
    apiKeyId: s.apiKey ? DEMO_KEYS[s.apiKey].id : '',
    fromAt: new Date(now.getTime() - s.fromDay * DAY_MS).toISOString(),
    toAt: new Date(now.getTime() - s.toDay * DAY_MS + HOUR_MS).toISOString(),
    medianBucket: Math.ceil(Math.log(s.latencyMs) / Math.log(DEFAULT_GAMMA)),
  }));

  const hourlyRows = await prisma.$transaction(
    async (tx) => {
      await tx.apiKey.createMany({
        data: Object.values(DEMO_KEYS).map((key) => ({
          id: key.id,
          workspaceId,
          name: key.name,
          prefix: 'demo',
          secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
          scopes: ['prompts:read', 'prompts:execute'],
          createdAt: historyStart,
          createdBy: options.author,
        })),
        skipDuplicates: true,
      });
      await tx.auditEvent.create({
        data: {
          workspaceId,
          actorEmail: options.author,
          action: 'label.set',
          subject: 'prompt:support-reply',
          details: { label: 'production', from: 1, to: 2 },
          createdAt: new Date(now.getTime() - PROMOTION_DAYS_AGO * DAY_MS),
        },
      });
      // Counts per hour and stream: rate x daily and weekly shape x growth (+50% over the period) x
      // noise; the shape mirrors shapeOf. Rows with no calls are not written.
      const inserted = await tx.$executeRawUnsafe(
        `WITH streams AS (
           SELECT * FROM jsonb_to_recordset($2::jsonb) AS s("promptId" text, "version" int, "model" text,
             "provider" text, "source" text, "apiKeyId" text, "perHour" float8, "fromAt" timestamp,
             "toAt" timestamp, "inTokens" int, "outTokens" int, "inPrice" float8, "outPrice" float8,
             "latencyMs" float8, "errorRate" float8, "pattern" text, "medianBucket" int)
         ),
         hours AS (
           SELECT h, EXTRACT(hour FROM h)::int AS hh, EXTRACT(dow FROM h)::int AS dow,
             EXTRACT(epoch FROM h - $3::timestamp) / ${DEMO_TRAFFIC_DAYS * 86_400}.0 AS progress
           FROM generate_series($3::timestamp, $4::timestamp - interval '1 hour', interval '1 hour') AS h
         ),
         counted AS (
           SELECT h.h, s.*, FLOOR(s."perHour" * (1 + 0.5 * h.progress) * (0.75 + 0.5 * random()) *
             CASE s."pattern"
               WHEN 'nightly' THEN (CASE WHEN h.hh = 2 THEN 1 ELSE 0 END)
               ELSE (CASE WHEN h.hh BETWEEN 6 AND 20 THEN 0.15 + 0.85 * sin(pi() * (h.hh - 6) / 14) ELSE 0.12 END)
                 * (CASE WHEN h.dow IN (0, 6) THEN 0.35 ELSE 1 END)
                 * (CASE WHEN s."pattern" = 'sporadic' AND random() > 0.3 THEN 0 ELSE 1 END)
             END)::int AS n,
             random() AS r
           FROM hours h JOIN streams s ON h.h >= s."fromAt" AND h.h < s."toAt"
         ),
         sized AS (
           SELECT c.*, (c.n * c."inTokens" * (0.85 + 0.3 * c.r))::int8 AS it,
             (c.n * c."outTokens" * (0.8 + 0.4 * c.r))::int8 AS ot,
             FLOOR(c.n * 0.1)::int AS b1, FLOOR(c.n * 0.25)::int AS b2, FLOOR(c.n * 0.35)::int AS b3,
             FLOOR(c.n * 0.2)::int AS b4
           FROM counted c WHERE c.n > 0
         )
         INSERT INTO "AnalyticsHourly" ("workspaceId", "start", "promptId", "version", "model", "provider",
           "source", "apiKeyId", "count", "successes", "inputTokens", "outputTokens", "costMicros", "unpriced",
           "latencySum", "latencyMin", "latencyMax", "latencyZero", "latencyBuckets")
         SELECT $1, s.h, s."promptId", s."version", s."model", s."provider", s."source", s."apiKeyId", s.n,
           s.n - LEAST(s.n, FLOOR(s.n * s."errorRate" * 2 * random() + CASE WHEN random() < s."errorRate" THEN 1 ELSE 0 END))::int,
           s.it, s.ot,
           CASE WHEN s."inPrice" IS NULL THEN 0 ELSE ROUND(s.it * s."inPrice" + s.ot * s."outPrice") END::int8,
           CASE WHEN s."inPrice" IS NULL THEN s.n ELSE 0 END,
           s.n * s."latencyMs" * 1.1, s."latencyMs" * 0.4, s."latencyMs" * 3, 0,
           (SELECT COALESCE(jsonb_agg(jsonb_build_array(s."medianBucket" + b.o, b.k) ORDER BY b.o), '[]'::jsonb)::text
            FROM (VALUES (${SHAPE[0]![0]}, s.b1), (${SHAPE[1]![0]}, s.b2), (${SHAPE[2]![0]}, s.b3), (${SHAPE[3]![0]}, s.b4),
                         (${LAST_SHARE_OFFSET}, s.n - s.b1 - s.b2 - s.b3 - s.b4)) AS b(o, k) WHERE b.k > 0)
         FROM sized s`,
        workspaceId,
        JSON.stringify(streams),
        historyStart.toISOString(),
        tailStart.toISOString(),
      );
      // The coarser levels, added up from the hourly rows just written, histograms merged bucket by bucket.
      const merged = `(SELECT COALESCE(jsonb_agg(jsonb_build_array(i, n) ORDER BY i), '[]'::jsonb)::text
         FROM (SELECT (e->>0)::int AS i, SUM((e->>1)::int8) AS n
               FROM unnest(array_agg(h."latencyBuckets")) AS b(text), jsonb_array_elements(b.text::jsonb) AS e
               GROUP BY 1) AS m)`;
      const sums = `SUM("count")::int, SUM("successes")::int, SUM("inputTokens")::int8, SUM("outputTokens")::int8,
         SUM("costMicros")::int8, SUM("unpriced")::int, SUM("latencySum"), MIN("latencyMin"), MAX("latencyMax"),
         SUM("latencyZero")::int, ${merged}`;
      const stats = `"count", "successes", "inputTokens", "outputTokens", "costMicros", "unpriced", "latencySum",
         "latencyMin", "latencyMax", "latencyZero", "latencyBuckets"`;
      const levels: [table: string, unit: 'hour' | 'day', dims: string[]][] = [
        ['AnalyticsHourlyTotal', 'hour', ['source']],
        ['AnalyticsDailyTotal', 'day', ['source']],
        ['AnalyticsDailyPrompt', 'day', ['promptId', 'source']],
        ['AnalyticsDailyModel', 'day', ['model', 'provider', 'source', 'apiKeyId']],
      ];
      for (const [table, unit, dims] of levels) {
        const columns = dims.map((d) => `"${d}"`).join(', ');
        await tx.$executeRawUnsafe(
          `INSERT INTO "${table}" ("workspaceId", "start", ${columns}, ${stats})
           SELECT $1, date_trunc('${unit}', h."start"), ${dims.map((d) => `h."${d}"`).join(', ')}, ${sums}
           FROM "AnalyticsHourly" h WHERE h."workspaceId" = $1
           GROUP BY 2, ${dims.map((_, i) => i + 3).join(', ')}`,
          workspaceId,
        );
      }
      return inserted;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );

  // The last hours as raw runs, which the rollup job folds in like any others.
  const records: AnalyticsRecord[] = [];
  for (let hour = tailStart.getTime(); hour < now.getTime(); hour += HOUR_MS) {
    for (const stream of STREAMS) {
      // No raw playground runs: the home page's "run a prompt" step stays the newcomer's to do.
      if (stream.toDay > 0 || stream.source === 'playground') continue;
      const count = Math.round(stream.perHour * 1.5 * shapeOf(stream.pattern, new Date(hour)));
      for (let i = 0; i < count; i++) {
        const at = new Date(hour + Math.floor(((i + 0.5) / count) * HOUR_MS));
        if (at > now) break;
        const failed = Math.random() < stream.errorRate;
        const inputTokens = Math.round(stream.inTokens * (0.8 + 0.4 * Math.random()));
        const outputTokens = failed ? 0 : Math.round(stream.outTokens * (0.7 + 0.6 * Math.random()));
        records.push({
          promptId: stream.promptId,
          version: stream.version,
          model: stream.model,
          provider: stream.provider,
          source: stream.source,
          ...(stream.apiKey ? { apiKeyId: DEMO_KEYS[stream.apiKey].id } : {}),
          latencyMs: stream.latencyMs * (0.4 + 1.2 * Math.random()),
          inputTokens,
          outputTokens,
          costMicros:
            stream.inPrice === null || stream.outPrice === null
              ? null
              : Math.round(inputTokens * stream.inPrice + outputTokens * stream.outPrice),
          success: !failed,
          ...(failed ? { errorKind: 'TIMEOUT' } : {}),
          at,
        });
      }
    }
  }
  await createPrismaAnalyticsStore(prisma, workspaceId).record(records);
  return { seeded: true, hourlyRows: hourlyRows, rawRuns: records.length };
}
