// Import and export against a real PostgreSQL database: hostile files must cost no more than their
// size, and a large export must not take the whole connection pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PromptRegistry } from '@/lib/loom/registry';
import { MAX_IMPORT_BYTES } from '@/components/prompts/types';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { exportPrompts, importPrompts, MAX_IMPORT_PROMPTS } from './prompt-transfer';

let db: TestDatabase;
let workspaceId: string;
const viewer = () => ({ workspaceId, email: 'ed@x.test' });

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
});
afterAll(() => db.close());

/** Runs `fn` and reports how long it took and how much the heap grew meanwhile. */
async function measure(fn: () => Promise<unknown>) {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const outcome = await fn().then(
    () => undefined,
    (error: unknown) => error,
  );
  return {
    outcome,
    ms: performance.now() - started,
    heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 1e6,
  };
}

describe('import of hostile files', () => {
  // Before the fix, each item got a padded copy of everything before it: 10 KB of `[1,1,...]` took
  // 3.5 s and 0.9 GB, 40 KB ran out of a 4 GB heap; 900 KB would need about 10^11 characters.
  it.each([
    [
      'a flat JSON array of numbers',
      `[${Array(Math.floor(MAX_IMPORT_BYTES / 2) - 1).fill('1')}]`,
      `${Math.floor(MAX_IMPORT_BYTES / 2) - 1} prompts found in hostile.json`,
    ],
    [
      'a YAML stream of tiny documents',
      '---\na: 1\n'.repeat(Math.floor(MAX_IMPORT_BYTES / 9)),
      `more than ${MAX_IMPORT_PROMPTS} prompts found in hostile.json`,
    ],
    [
      'a YAML stream of empty documents',
      '---\n'.repeat(Math.floor(MAX_IMPORT_BYTES / 4)),
      `more than ${MAX_IMPORT_PROMPTS} prompts found in hostile.json`,
    ],
  ])('refuses %s of the maximum size at once, naming the cap', async (_label, content, found) => {
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(MAX_IMPORT_BYTES);
    const { outcome, ms, heapGrowthMb } = await measure(() =>
      importPrompts(db.prisma, viewer(), { files: [{ name: 'hostile.json', content }] }),
    );
    expect(outcome).toMatchObject({
      code: 'INVALID_INPUT',
      message: `Import at most ${MAX_IMPORT_PROMPTS} prompts at once.`,
      details: { issues: [{ message: found }] },
    });
    expect(ms).toBeLessThan(1_500);
    expect(heapGrowthMb).toBeLessThan(100);
  });

  it('counts prompts across files before validating any', async () => {
    const file = (n: number) => `[${Array.from({ length: n }, () => '{"id": 1}').join(',')}]`;
    const outcome = await importPrompts(db.prisma, viewer(), {
      files: [
        { name: 'one.json', content: file(300) },
        { name: 'two.json', content: file(300) },
      ],
    }).catch((error: unknown) => error);
    // Each file alone holds a bad prompt; the cap is what the user must hear about first.
    expect(outcome).toMatchObject({
      code: 'INVALID_INPUT',
      details: { issues: [{ message: '600 prompts found' }] },
    });
  });

  it('places an error in the last prompt of a one-line JSON array at its line and column', async () => {
    const items = Array.from({ length: MAX_IMPORT_PROMPTS }, (_, i) => `{"id": "p-${i}", "name": "P ${i}"}`);
    items[items.length - 1] = '{"id": "p-last", "name": "Last", "temprature": 1}';
    const content = `[${items.join(', ')}]`;
    const outcome = await importPrompts(db.prisma, viewer(), {
      files: [{ name: 'many.json', content: `\n${content}` }],
    }).catch((error: unknown) => error);
    const column = content.indexOf('"temprature"') + 1;
    expect(outcome).toMatchObject({
      code: 'INVALID_INPUT',
      details: {
        issues: [
          {
            path: 'many.json',
            message: `many.json (prompt ${MAX_IMPORT_PROMPTS}), line 2, column ${column}: "temprature": unknown field`,
          },
        ],
      },
    });
  });

  it('reports YAML syntax errors with the line and column of the file', async () => {
    const outcome = await importPrompts(db.prisma, viewer(), {
      files: [{ name: 'broken.yaml', content: '- id: a\n  name: A\n- id: b\n  name: [B\n' }],
    }).catch((error: unknown) => error);
    expect(outcome).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'broken.yaml is not valid YAML or JSON.',
      details: {
        issues: [
          { path: 'broken.yaml', message: expect.stringMatching(/^broken\.yaml, line \d+, column \d+: /) },
        ],
      },
    });
  });

  it('still imports every prompt of a file whose items share anchors', async () => {
    const content = '- &base\n  id: a-one\n  name: Shared\n- id: a-two\n  name: Two\n  tags: [x]\n';
    const result = await importPrompts(db.prisma, viewer(), { files: [{ name: 'ok.yaml', content }] });
    expect(result.saved.map((s) => s.id)).toEqual(['a-one', 'a-two']);
  });
});

describe('import of a judge rubric', () => {
  it("refuses a version that drops a variable a suite's judge needs, and saves nothing", async () => {
    const rubric = (variables: string[]) =>
      [
        'id: tone-rubric',
        'name: Tone rubric',
        `user: "${variables.map((v) => `{{ ${v} }}`).join(' ')}"`,
        'variables:',
        ...variables.flatMap((v) => [`  - name: ${v}`, '    type: string']),
        '',
      ].join('\n');
    await importPrompts(db.prisma, viewer(), {
      files: [{ name: 'v1.yaml', content: rubric(['input', 'actual']) }],
    });
    await db.prisma.suite.create({
      data: {
        workspaceId,
        id: 'tone-suite',
        name: 'Tone checks',
        promptId: 'a-one',
        revision: 1,
        updatedAt: new Date(),
        revisions: {
          create: {
            revision: 1,
            caseCount: 0,
            evaluators: [{ kind: 'llmJudge', rubricPromptId: 'tone-rubric', rubricVersion: 'production' }],
          },
        },
      },
    });
    await expect(
      importPrompts(db.prisma, viewer(), { files: [{ name: 'v2.yaml', content: rubric(['actual']) }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^v2\.yaml: Not saved\. .*"Tone checks".* lacks "input"/),
    });
    expect((await createPrismaRegistry(db.prisma, workspaceId).getLatest('tone-rubric')).version).toBe(1);
  });
});

/** Counts the reads in flight at once on a real registry. */
function countingReads(registry: PromptRegistry) {
  const stats = { inFlight: 0, peak: 0, calls: 0 };
  const counted: PromptRegistry = Object.create(registry) as PromptRegistry;
  counted.getLatest = async (...args) => {
    stats.calls++;
    stats.peak = Math.max(stats.peak, ++stats.inFlight);
    try {
      return await registry.getLatest(...args);
    } finally {
      stats.inFlight--;
    }
  };
  return { registry: counted, stats };
}

describe('export of many prompts', () => {
  const COUNT = 120;
  let exportWorkspace: string;
  beforeAll(async () => {
    exportWorkspace = (await db.prisma.workspace.create({ data: { slug: 'e', name: 'E' } })).id;
    const registry = createPrismaRegistry(db.prisma, exportWorkspace);
    for (let i = 0; i < COUNT; i++) {
      await registry.save({ id: `bulk-${String(i).padStart(3, '0')}`, version: 0, name: `Bulk ${i}` });
    }
  });

  it('reads a few prompts at a time, never the whole pool, and keeps their order', async () => {
    const { registry, stats } = countingReads(createPrismaRegistry(db.prisma, exportWorkspace));
    const ids = Array.from({ length: COUNT }, (_, i) => `bulk-${String(COUNT - 1 - i).padStart(3, '0')}`);
    const file = await exportPrompts(registry, ids, 'json');
    const exported = JSON.parse(file.body) as { id: string }[];
    expect(exported.map((p) => p.id)).toEqual(ids);
    expect(stats.calls).toBe(COUNT);
    expect(stats.peak).toBeGreaterThan(1);
    expect(stats.peak).toBeLessThanOrEqual(4);
  });

  it('exports every prompt of the workspace when none is named', async () => {
    const { registry, stats } = countingReads(createPrismaRegistry(db.prisma, exportWorkspace));
    const file = await exportPrompts(registry, [], 'yaml');
    expect(file.body.split(/^---$/m)).toHaveLength(COUNT);
    expect(stats.peak).toBeLessThanOrEqual(4);
  });
});
