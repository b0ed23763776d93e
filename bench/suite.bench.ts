// Evaluation runs end to end: a 500-case suite with an LLM judge (k=1) run at concurrency 8 through
// startRuns and the 'eval-run' job handler, on a fresh PostgreSQL database, against the loopback
// fake LLM server answering both the target and the judge after a fixed 200 ms.
//   suite.wall_vs_ideal: wall time / (N·(1+k)·L / c), the time perfect parallelism would take.
//   suite.progress_lag_p95_ms: case result written (its finishedAt) → counted by getRunProgress,
//     polled every 500 ms as the run page does (so the figure includes the polling interval).
//   suite.wall_vs_measured_call: the same with the provider call's latency measured in this run
//     (SDK, loopback HTTP and the simulator on this machine) instead of L: the part the run adds.
// Prints JSON figures when run directly:
//   node --conditions=react-server --import tsx bench/suite.bench.ts
import { pathToFileURL } from 'node:url';
import { startFakeLlmServer } from '@/lib/adapters/fake-llm';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const CASES = 500;
const CONCURRENCY = 8;
const JUDGE_SAMPLES = 1;
const LATENCY_MS = 200;
/** The run page's polling interval (components/suites/run-progress.tsx). */
const POLL_MS = 500;
/** Rounds of CONCURRENCY plain provider calls timed before the run (the first one is not counted). */
const PROBE_ROUNDS = 6;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runSuiteBench(
  options: { cases?: number; log?: (line: string) => void } = {},
): Promise<Record<string, number>> {
  const cases = options.cases ?? CASES;
  const log = options.log ?? ((line: string) => console.error(line));
  let db: TestDatabase;
  try {
    db = await createTestDatabase({ kind: 'postgres' });
  } catch (error) {
    log(`suite bench: PostgreSQL unreachable, skipped: ${(error as Error).message}`);
    return { 'suite.postgres_reachable': 0 };
  }
  const fake = await startFakeLlmServer({ script: { latencyMs: LATENCY_MS } });
  fake.addRule({ model: /^gpt-4o$/, judge: { score: 0.9, verdict: 'PASS' }, latencyMs: LATENCY_MS });
  // The app's modules read the environment once: point them at this database and simulator first.
  process.env.DATABASE_URL = db.url;
  process.env.LOOM_SIMULATOR_URL = fake.url;
  delete process.env.LOOM_ADMIN_EMAIL;
  const { getPrisma, getDatabase } = await import('@/lib/server/db');
  const { createPrismaRegistry } = await import('@/lib/adapters/prisma/registry');
  const { startRuns } = await import('@/lib/server/suites/runs');
  const { runEvalJob } = await import('@/lib/server/suites/run-job');
  const { getRunProgress } = await import('@/lib/server/suites/run-progress');
  const { getProvider } = await import('@/lib/server/providers');
  const { getTemplateEngine } = await import('@/lib/server/loom');
  const { attach } = await import('@/lib/loom/core');
  const { execute } = await import('@/lib/loom/executor');

  try {
    const prisma = await getPrisma();
    const workspaceId = (await prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } })).id;
    await prisma.providerConfig.create({
      data: { workspaceId, name: 'simulator', kind: 'openai', isSimulator: true, baseUrl: 'http://x:1/v1' },
    });
    const registry = createPrismaRegistry(prisma, workspaceId);
    await registry.save(
      {
        id: 'classify',
        version: 0,
        name: 'Classify',
        user: 'Classify this message: {{ text }}',
        variables: [{ name: 'text', type: 'string', required: true }],
        model: { provider: 'simulator', model: 'gpt-4o-mini' },
      },
      { author: 'bench' },
    );
    await registry.save(
      {
        id: 'rubric',
        version: 0,
        name: 'Rubric',
        system: 'Score the answer 0-10 and say PASS or FAIL.',
        user: 'Input: {{ input }}\nAnswer: {{ actual }}',
        variables: [
          { name: 'input', type: 'string', required: true },
          { name: 'actual', type: 'string', required: true },
        ],
        model: { provider: 'simulator', model: 'gpt-4o' },
      },
      { author: 'bench' },
    );
    await prisma.suite.create({
      data: {
        workspaceId,
        id: 'bench-suite',
        name: 'Bench',
        promptId: 'classify',
        revision: 1,
        updatedAt: new Date(),
      },
    });
    await prisma.suiteRevision.create({
      data: {
        workspaceId,
        suiteId: 'bench-suite',
        revision: 1,
        caseCount: cases,
        evaluators: [
          { kind: 'contains', anyOf: ['Simulated'] },
          { kind: 'llmJudge', rubricPromptId: 'rubric', rubricVersion: 1, samples: JUDGE_SAMPLES },
        ],
      },
    });
    await prisma.suiteCase.createMany({
      data: Array.from({ length: cases }, (_, i) => ({
        workspaceId,
        suiteId: 'bench-suite',
        revision: 1,
        caseId: `case-${i + 1}`,
        position: i,
        input: { text: `message number ${i + 1}` },
        tags: [],
      })),
    });
    const viewer = { workspaceId, userId: 'bench', email: 'bench@x.test', role: 'admin' as const };

    // The peer: one provider call through the same executor, SDK and simulator, measured now at the
    // same concurrency. On a busy machine it is well above L; the run cannot beat N·(1+k)·call/c.
    const provider = await getProvider(viewer, 'simulator');
    const probe = attach(
      {
        id: 'probe',
        version: 1,
        name: 'Probe',
        user: 'probe {{ n }}',
        variables: [{ name: 'n', type: 'string', required: true }],
        model: { provider: 'simulator', model: 'gpt-4o-mini' },
      },
      getTemplateEngine(),
    );
    const callMs: number[] = [];
    for (let round = 0; round < PROBE_ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, i) => {
          const t0 = performance.now();
          await execute({ prompt: probe, input: { n: `${round}-${i}` }, provider });
          if (round > 0) callMs.push(performance.now() - t0); // the first round opens connections
        }),
      );
    }
    const callP50 = percentile(callMs, 50);

    // The queue hands the job straight to the handler, as an idle worker would.
    let finished: Promise<void> = Promise.resolve();
    const queue = {
      async send(_name: 'eval-run', data: { workspaceId: string; runId: string }) {
        finished = runEvalJob(data, { jobId: 'bench', signal: new AbortController().signal });
        return 'bench';
      },
    };
    const observations: { at: number; done: number }[] = [];
    const queryMs: number[] = [];
    const start = performance.now();
    const { runs } = await startRuns(
      viewer,
      { suiteId: 'bench-suite', versions: [1], concurrency: CONCURRENCY },
      queue,
    );
    const runId = runs[0]!.id;
    let running = true;
    const poller = (async () => {
      while (running) {
        const t0 = performance.now();
        const progress = await getRunProgress(workspaceId, runId);
        queryMs.push(performance.now() - t0);
        observations.push({ at: Date.now(), done: progress.done });
        if (progress.done >= cases || !['queued', 'running'].includes(progress.status)) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    })();
    await finished;
    const wallMs = performance.now() - start;
    await poller.catch(() => undefined);
    running = false;
    const run = await prisma.evalRun.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId, id: runId } },
    });
    if (run.status !== 'completed') throw new Error(`run ended ${run.status}: ${run.error ?? ''}`);

    const written = (
      await prisma.suiteCaseResult.findMany({ where: { workspaceId, runId }, select: { finishedAt: true } })
    )
      .map((r) => r.finishedAt.getTime())
      .sort((a, b) => a - b);
    const lags = written.map((at, index) => {
      const seen = observations.find((o) => o.done >= index + 1);
      return seen ? Math.max(0, seen.at - at) : Number.NaN;
    });
    if (process.env.SUITE_BENCH_DEBUG) {
      const stats = await prisma.$queryRaw<unknown[]>`
        SELECT avg(("result"->>'latencyMs')::float) AS target_ms,
          min("finishedAt") AS first, max("finishedAt") AS last
        FROM "SuiteCaseResult" WHERE "workspaceId" = ${workspaceId} AND "runId" = ${runId}`;
      log(
        JSON.stringify({
          stats,
          startedAt: run.startedAt,
          createdAt: run.createdAt,
          finishedAt: run.finishedAt,
        }),
      );
    }
    const idealMs = (cases * (1 + JUDGE_SAMPLES) * LATENCY_MS) / CONCURRENCY;
    const floorMs = (cases * (1 + JUDGE_SAMPLES) * callP50) / CONCURRENCY;
    log(
      `suite bench: ${cases} cases in ${Math.round(wallMs)} ms (ideal ${idealMs} ms; one provider call takes ${Math.round(callP50)} ms here, so the floor is ${Math.round(floorMs)} ms), ${observations.length} progress polls`,
    );
    return {
      'suite.wall_vs_ideal': round(wallMs / idealMs),
      'suite.wall_ms': Math.round(wallMs),
      /** Against the same formula with the provider call as measured in this run (the peer). */
      'suite.wall_vs_measured_call': round(wallMs / floorMs),
      'suite.provider_call_p50_ms': Math.round(callP50),
      'suite.progress_lag_p95_ms': Math.round(percentile(lags, 95)),
      'suite.progress_query_p95_ms': round(percentile(queryMs, 95), 2),
    };
  } finally {
    await fake.close();
    await (await getDatabase()).close();
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runSuiteBench()));
}
