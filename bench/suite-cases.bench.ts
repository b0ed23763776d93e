// The run page's case table at scale: one page of a 10,000-case run, server time, on the real
// PostgreSQL server. Seeds the run directly (as the run job writes it: a suite revision, its cases,
// the case results with their copied columns, some reviews, and a second run of the same suite so
// the loader must pick its run's rows out of 20,000), then times `listRunCases` on early, middle and
// last pages, each filter, a tag and a search, alternating with a `SELECT 1` peer on the same pool.
//   node --conditions=react-server --import tsx bench/suite-cases.bench.ts
import { pathToFileURL } from 'node:url';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { CaseQueryInput } from '@/lib/server/suites/run-cases';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { caseResult, seedRun, seedSuite, type SeedCase } from '@/test/seed-runs';

const CASES = 10_000;
const REPETITIONS = 15;
const TAGS = ['billing', 'shipping', 'returns', 'account', 'legal'];

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** A customer-support sized case: a question of a few sentences and an answer of a paragraph. */
function seedCases(): SeedCase[] {
  return Array.from({ length: CASES }, (_, i) => ({
    caseId: `case-${String(i).padStart(5, '0')}`,
    input: {
      question: `Customer ${i} asks: my order #${100_000 + i} arrived damaged and the box was open. `.repeat(
        3,
      ),
      locale: i % 2 ? 'en' : 'fr',
    },
    expected: `Apologise, offer a replacement for order #${100_000 + i} and explain the return label.`,
    tags: [TAGS[i % TAGS.length]!, ...(i % 7 === 0 ? ['regression'] : [])],
  }));
}

function seedResults(cases: SeedCase[], salt: number) {
  return cases.map((c, i) => {
    if ((i + salt) % 97 === 0) {
      return caseResult(c.caseId, {
        error: { code: 'PROVIDER_ERROR', message: 'HTTP 503 from the provider' },
        tags: c.tags,
      });
    }
    const judgePass = (i * 7 + salt) % 10 < 7;
    return caseResult(c.caseId, {
      judgePass,
      judgeScore: judgePass ? 0.8 : 0.4,
      output:
        `We are sorry about order #${100_000 + i}. ` +
        'A replacement is on its way and a prepaid return label is attached to this email. '.repeat(6),
      reason: judgePass ? 'Apologises and offers the replacement.' : 'Does not mention the return label.',
      latencyMs: 300 + ((i * 37) % 900),
      tags: c.tags,
    });
  });
}

/** The suite, its two runs and 200 reviews of run "run". */
export async function seedBenchRuns(prisma: PrismaClient, workspaceId: string): Promise<void> {
  const cases = seedCases();
  await seedSuite(prisma, workspaceId, { id: 'suite', promptId: 'support', cases });
  await seedRun(prisma, workspaceId, {
    id: 'run',
    suiteId: 'suite',
    promptId: 'support',
    results: seedResults(cases, 0),
  });
  await seedRun(prisma, workspaceId, {
    id: 'other',
    suiteId: 'suite',
    promptId: 'support',
    results: seedResults(cases, 3),
  });
  await prisma.caseReview.createMany({
    data: Array.from({ length: 200 }, (_, k) => ({
      workspaceId,
      runId: 'run',
      caseId: cases[k * 37]!.caseId,
      pass: k % 2 === 0,
      reason: 'Checked by hand.',
      reviewerEmail: 'reviewer@bench.test',
    })),
  });
}

export async function runSuiteCasesBench(
  options: { log?: (line: string) => void } = {},
): Promise<Record<string, number>> {
  const log = options.log ?? (() => undefined);
  let db: TestDatabase;
  try {
    db = await createTestDatabase({ kind: 'postgres' });
  } catch (error) {
    console.error(`suite-cases bench: PostgreSQL unreachable, skipped: ${(error as Error).message}`);
    return { 'suite.postgres_reachable': 0 };
  }
  try {
    // Imported after the database exists: the loaders reach server modules.
    const { listRunCases } = await import('@/lib/server/suites/run-cases');
    const { computeRunSummary } = await import('@/lib/server/suites/run-page');
    const prisma = db.prisma;
    const workspaceId = (await prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } })).id;
    log(`Seeding a ${CASES.toLocaleString('en')}-case suite and two runs of it…`);
    await seedBenchRuns(prisma, workspaceId);
    await db.withSession(async (conn) => {
      for (const table of ['SuiteCase', 'SuiteCaseResult', 'CaseReview'])
        await conn.exec(`VACUUM ANALYZE "${table}"`);
    });
    const lastPage = Math.ceil(CASES / 50);
    const queries: [string, CaseQueryInput][] = [
      ['first page', {}],
      ['middle page', { page: Math.floor(lastPage / 2) }],
      ['last page', { page: lastPage }],
      ['failed', { filter: 'failed' }],
      ['failed, page 40', { filter: 'failed', page: 40 }],
      ['errored', { filter: 'errored' }],
      ['passed, page 100', { filter: 'passed', page: 100 }],
      ['overridden', { filter: 'overridden' }],
      ['tag', { tag: 'regression', page: 10 }],
      ['search', { q: 'order #104242' }],
      ['search + failed', { q: 'return label', filter: 'failed', page: 3 }],
    ];
    // The first search of a finished run reads its text once (later searches use it from memory).
    const coldStart = performance.now();
    await listRunCases(prisma, workspaceId, 'run', { q: 'order #100001' });
    const coldSearchMs = performance.now() - coldStart;
    log(`  first search of the run (reads its text): ${coldSearchMs.toFixed(1)} ms`);
    for (const [, query] of queries)
      for (let i = 0; i < 3; i++) await listRunCases(prisma, workspaceId, 'run', query);
    const all: number[] = [];
    const pings: number[] = [];
    let worst = { name: '', p95: 0 };
    for (const [name, query] of queries) {
      const samples: number[] = [];
      let total = 0;
      for (let i = 0; i < REPETITIONS; i++) {
        const start = performance.now();
        const page = await listRunCases(prisma, workspaceId, 'run', query);
        samples.push(performance.now() - start);
        total = page.total;
        const ping = performance.now();
        await prisma.$queryRaw`SELECT 1`;
        pings.push(performance.now() - ping);
      }
      all.push(...samples);
      const p95 = percentile(samples, 0.95);
      if (p95 > worst.p95) worst = { name, p95 };
      log(
        `  ${name}: ${total} matching, p50 ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
      );
    }
    const summarySamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await computeRunSummary(prisma, workspaceId, 'run');
      summarySamples.push(performance.now() - start);
    }
    log(`  summary (reviews applied): p50 ${percentile(summarySamples, 0.5).toFixed(1)} ms`);
    log(`  slowest query: ${worst.name} (p95 ${worst.p95.toFixed(1)} ms)`);
    const round = (value: number) => Number(value.toFixed(1));
    return {
      'suite.postgres_reachable': 1,
      'suite.case_page_p95_ms': round(percentile(all, 0.95)),
      'suite.case_page_p50_ms': round(percentile(all, 0.5)),
      'suite.case_page_worst_query_p95_ms': round(worst.p95),
      'suite.case_page_select1_p50_ms': round(percentile(pings, 0.5)),
      'suite.run_summary_p50_ms': round(percentile(summarySamples, 0.5)),
      'suite.case_search_first_ms': round(coldSearchMs),
    };
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runSuiteCasesBench({ log: (line) => console.error(line) }), null, 2));
}
