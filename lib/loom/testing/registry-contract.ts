import { describe, expect, it } from 'vitest';
import { isLoomError, type LoomErrorCode, type PromptDataInput } from '../core';
import type { PromptRegistry } from '../registry';

export interface RegistryUnderTest {
  registry: PromptRegistry;
  cleanup: () => Promise<void>;
}

/** A prompt input with every field filled, so round-trips are checked on all of them. */
export function samplePrompt(id: string, overrides: Partial<PromptDataInput> = {}): PromptDataInput {
  return {
    id,
    version: 0,
    name: `Prompt ${id}`,
    description: 'Summarises a support ticket',
    tags: ['support', 'summary'],
    system: 'You are terse.\nAnswer in {{ language }}.  \n\ttabbed line\n',
    user: 'Ticket: {{ ticket }} — “quoted” ünïcode ✓',
    variables: [
      { name: 'ticket', type: 'string', required: true, maxLength: 4000 },
      { name: 'language', type: 'enum', values: ['en', 'fr'], default: 'en' },
    ],
    examples: [
      { input: { ticket: 'Printer on fire', nested: { n: 1, list: [true, null] } }, output: 'Fire.' },
    ],
    model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2, stop: ['\n\n'] },
    metadata: { owner: 'team-a', limits: { tokens: 512 }, flags: [1, 'two', false] },
    ...overrides,
  };
}

async function expectCode(promise: Promise<unknown>, code: LoomErrorCode) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isLoomError(error), `expected LoomError ${code}, got ${String(error)}`).toBe(true);
  if (!isLoomError(error)) throw new Error('unreachable');
  expect(error.code).toBe(code);
  return error;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every PromptRegistry must have. `makeRegistry` returns a fresh, empty registry
 * (e.g. a new workspace or a new directory) and a cleanup.
 */
export function runRegistryContract(name: string, makeRegistry: () => Promise<RegistryUnderTest>): void {
  async function withRegistry(test: (registry: PromptRegistry) => Promise<void>) {
    const { registry, cleanup } = await makeRegistry();
    try {
      await test(registry);
    } finally {
      await cleanup();
    }
  }

  describe(`PromptRegistry contract: ${name}`, () => {
    describe('save and read', () => {
      it('numbers versions 1, 2, 3 and round-trips every field', () =>
        withRegistry(async (registry) => {
          const first = await registry.save(samplePrompt('greet'), { author: 'ana', message: 'first draft' });
          expect(first.version).toBe(1);
          expect(first.createdAt).toBeInstanceOf(Date);
          expect(first.author).toBe('ana');
          expect(first.message).toBe('first draft');

          const second = await registry.save(samplePrompt('greet', { user: 'v2' }), { author: 'bo' });
          expect(second.version).toBe(2);
          expect(second.message).toBeUndefined();

          const expected = { ...samplePrompt('greet'), version: 1, author: 'ana', message: 'first draft' };
          const read = await registry.get('greet', 1);
          expect(read).toMatchObject(expected);
          expect(read.variables[1]).toEqual({
            name: 'language',
            type: 'enum',
            required: false,
            values: ['en', 'fr'],
            default: 'en',
          });
          expect(read.createdAt?.getTime()).toBe(first.createdAt?.getTime());
          expect(await registry.find('greet', 1)).toEqual(read);
          expect((await registry.getLatest('greet')).user).toBe('v2');
        }));

      it('assigns version, author and message itself, ignoring those fields of the input', () =>
        withRegistry(async (registry) => {
          const saved = await registry.save({
            ...samplePrompt('owned'),
            version: 42,
            author: 'mallory',
            message: 'forged',
            createdAt: new Date('2001-01-01T00:00:00Z'),
          });
          expect(saved.version).toBe(1);
          expect(saved.author).toBeUndefined();
          expect(saved.message).toBeUndefined();
          expect(saved.createdAt?.getFullYear()).not.toBe(2001);
        }));

      it('fills schema defaults for a minimal input', () =>
        withRegistry(async (registry) => {
          await registry.save({ id: 'min', version: 0, name: 'Minimal' });
          const read = await registry.getLatest('min');
          expect(read).toMatchObject({
            description: '',
            tags: [],
            system: '',
            user: '',
            variables: [],
            examples: [],
            metadata: {},
          });
          expect(read.model).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
        }));

      it('keeps versions immutable when later versions are saved', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('imm', { system: 'one' }));
          const before = await registry.get('imm', 1);
          await registry.save(samplePrompt('imm', { system: 'two', tags: ['x'] }));
          expect(await registry.get('imm', 1)).toEqual(before);
        }));

      it('returns deep copies: mutating a result never changes stored data', () =>
        withRegistry(async (registry) => {
          const saved = await registry.save(samplePrompt('copy'));
          await registry.setLabel('copy', 'production', 1);
          const vandalise = (data: {
            tags: string[];
            metadata: Record<string, unknown>;
            variables: { name: string }[];
          }) => {
            data.tags.push('vandal');
            (data.metadata.limits as { tokens: number }).tokens = -1;
            data.variables[0]!.name = 'changed';
          };
          vandalise(saved);
          vandalise(await registry.get('copy', 1));
          vandalise(await registry.getLatest('copy'));
          vandalise(await registry.getByLabel('copy', 'production'));
          const summaries = await registry.list();
          summaries[0]!.tags.push('vandal');
          summaries[0]!.labels.production = 99;
          const input = samplePrompt('copy-input');
          await registry.save(input);
          (input.tags as string[]).push('after-save');

          const fresh = await registry.get('copy', 1);
          expect(fresh.tags).toEqual(['support', 'summary']);
          expect(fresh.metadata.limits).toEqual({ tokens: 512 });
          expect(fresh.variables[0]!.name).toBe('ticket');
          expect((await registry.list({ search: 'copy' })).find((s) => s.id === 'copy')?.labels).toEqual({
            production: 1,
          });
          expect((await registry.getLatest('copy-input')).tags).toEqual(['support', 'summary']);
        }));

      it('throws NOT_FOUND from get/getLatest and undefined from find for missing prompts and versions', () =>
        withRegistry(async (registry) => {
          await expectCode(registry.get('nope', 1), 'NOT_FOUND');
          await expectCode(registry.getLatest('nope'), 'NOT_FOUND');
          expect(await registry.find('nope', 1)).toBeUndefined();
          await registry.save(samplePrompt('one'));
          const error = await expectCode(registry.get('one', 2), 'NOT_FOUND');
          expect(error.details).toMatchObject({ id: 'one', version: 2 });
          expect(await registry.find('one', 2)).toBeUndefined();
        }));

      it('rejects malformed ids, versions and labels with INVALID_INPUT', () =>
        withRegistry(async (registry) => {
          await expectCode(registry.get('../etc/passwd', 1), 'INVALID_INPUT');
          await expectCode(registry.get('ok', 0), 'INVALID_INPUT');
          await expectCode(registry.get('ok', 1.5), 'INVALID_INPUT');
          await expectCode(registry.getByLabel('ok', 'Prod Uction'), 'INVALID_INPUT');
          await expectCode(registry.listVersions('UPPER'), 'INVALID_INPUT');
        }));
    });

    describe('failed saves', () => {
      it('reports which field is invalid and stores nothing', () =>
        withRegistry(async (registry) => {
          const error = await expectCode(
            registry.save({ ...samplePrompt('bad'), name: '', variables: [{ name: '1x', type: 'string' }] }),
            'INVALID_INPUT',
          );
          const paths = (error.details.issues ?? []).map((issue) => issue.path);
          expect(paths).toEqual(expect.arrayContaining(['name', 'variables.0.name']));
          expect(await registry.find('bad', 1)).toBeUndefined();
          await expectCode(registry.listVersions('bad'), 'NOT_FOUND');
          expect(await registry.list({ includeArchived: true })).toEqual([]);
        }));

      it('rejects values that cannot be stored as JSON', () =>
        withRegistry(async (registry) => {
          const error = await expectCode(
            registry.save(
              samplePrompt('json', { metadata: { when: new Date(), nested: { n: Number.NaN } } }),
            ),
            'INVALID_INPUT',
          );
          expect((error.details.issues ?? []).map((issue) => issue.path)).toEqual(
            expect.arrayContaining(['metadata.when', 'metadata.nested.n']),
          );
          expect(await registry.find('json', 1)).toBeUndefined();
        }));

      it('rejects invalid save options', () =>
        withRegistry(async (registry) => {
          await expectCode(registry.save(samplePrompt('opt'), { expectedLatest: -1 }), 'INVALID_INPUT');
          await expectCode(
            registry.save(samplePrompt('opt'), { message: 'x'.repeat(1001) }),
            'INVALID_INPUT',
          );
          expect(await registry.find('opt', 1)).toBeUndefined();
        }));

      it('does nothing when the signal is already aborted', () =>
        withRegistry(async (registry) => {
          const controller = new AbortController();
          controller.abort();
          await expectCode(registry.save(samplePrompt('abort'), { signal: controller.signal }), 'CANCELLED');
          await expectCode(registry.list({ signal: controller.signal }), 'CANCELLED');
          expect(await registry.find('abort', 1)).toBeUndefined();
        }));
    });

    describe('optimistic concurrency (expectedLatest)', () => {
      it('accepts 0 for a new prompt and the current latest afterwards', () =>
        withRegistry(async (registry) => {
          expect((await registry.save(samplePrompt('occ'), { expectedLatest: 0 })).version).toBe(1);
          expect((await registry.save(samplePrompt('occ'), { expectedLatest: 1 })).version).toBe(2);
        }));

      it('throws CONFLICT with the latest version and leaves the prompt unchanged', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('occ'));
          await registry.save(samplePrompt('occ'));
          const stale = await expectCode(
            registry.save(samplePrompt('occ', { user: 'lost?' }), { expectedLatest: 1 }),
            'CONFLICT',
          );
          expect(stale.details.latest).toBe(2);
          const exists = await expectCode(
            registry.save(samplePrompt('occ'), { expectedLatest: 0 }),
            'CONFLICT',
          );
          expect(exists.details.latest).toBe(2);
          expect((await registry.listVersions('occ')).map((v) => v.version)).toEqual([2, 1]);
          expect(await registry.find('occ', 3)).toBeUndefined();
        }));

      it('lets exactly one of several racing saves with the same expectedLatest win', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('race'));
          const results = await Promise.allSettled(
            Array.from({ length: 5 }, (_, i) =>
              registry.save(samplePrompt('race', { user: `w${i}` }), { expectedLatest: 1 }),
            ),
          );
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results)
            if (r.status === 'rejected') expect(isLoomError(r.reason, 'CONFLICT')).toBe(true);
          expect((await registry.getLatest('race')).version).toBe(2);
        }));
    });

    describe('concurrent saves', () => {
      it('gives 10 concurrent saves versions 1..10 with distinct content, none lost', () =>
        withRegistry(async (registry) => {
          const saved = await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              registry.save(samplePrompt('busy', { user: `writer ${i}` })),
            ),
          );
          expect(saved.map((s) => s.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
          const stored = await Promise.all(saved.map((s) => registry.get('busy', s.version)));
          expect(new Set(stored.map((s) => s.user)).size).toBe(10);
          for (const s of saved) expect((await registry.get('busy', s.version)).user).toBe(s.user);
          expect((await registry.listVersions('busy')).map((v) => v.version)).toEqual([
            10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
          ]);
        }));
    });

    describe('labels', () => {
      it('points a label at a version, moves it and reports where it was', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('lab', { user: 'one' }));
          await registry.save(samplePrompt('lab', { user: 'two' }));
          expect(await registry.setLabel('lab', 'production', 1, { actor: 'ana' })).toEqual({
            label: 'production',
            to: 1,
          });
          expect((await registry.getByLabel('lab', 'production')).user).toBe('one');
          expect(await registry.setLabel('lab', 'production', 2)).toEqual({
            label: 'production',
            from: 1,
            to: 2,
          });
          expect((await registry.getByLabel('lab', 'production')).user).toBe('two');
          expect((await registry.findByLabel('lab', 'production'))?.version).toBe(2);
          await registry.setLabel('lab', 'canary_eu-1', 1);
          expect((await registry.list())[0]?.labels).toEqual({ production: 2, 'canary_eu-1': 1 });
          const versions = await registry.listVersions('lab');
          expect(versions.map((v) => v.labels)).toEqual([['production'], ['canary_eu-1']]);
        }));

      it('refuses labels on missing versions or prompts and malformed labels', () =>
        withRegistry(async (registry) => {
          await expectCode(registry.setLabel('ghost', 'production', 1), 'NOT_FOUND');
          await registry.save(samplePrompt('lab'));
          await expectCode(registry.setLabel('lab', 'production', 2), 'NOT_FOUND');
          await expectCode(registry.setLabel('lab', 'Production', 1), 'INVALID_INPUT');
          await expectCode(registry.setLabel('lab', '-x', 1), 'INVALID_INPUT');
          await expectCode(registry.setLabel('lab', 'x'.repeat(51), 1), 'INVALID_INPUT');
          expect(await registry.findByLabel('lab', 'production')).toBeUndefined();
          // Labels named like Object.prototype members are ordinary labels.
          expect(await registry.findByLabel('lab', 'constructor')).toBeUndefined();
          expect(await registry.removeLabel('lab', 'constructor')).toStrictEqual({ label: 'constructor' });
          await registry.setLabel('lab', 'constructor', 1);
          expect((await registry.getByLabel('lab', 'constructor')).version).toBe(1);
          await expectCode(registry.getByLabel('lab', 'production'), 'NOT_FOUND');
          await expectCode(registry.getByLabel('ghost', 'production'), 'NOT_FOUND');
        }));

      it('removes a label, reporting the version it pointed at', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('lab'));
          await registry.setLabel('lab', 'staging', 1);
          expect(await registry.removeLabel('lab', 'staging')).toEqual({ label: 'staging', from: 1 });
          expect(await registry.removeLabel('lab', 'staging')).toEqual({ label: 'staging' });
          expect(await registry.findByLabel('lab', 'staging')).toBeUndefined();
          await expectCode(registry.removeLabel('ghost', 'staging'), 'NOT_FOUND');
        }));

      it('never shows a missing label to reads racing label moves', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('flip', { user: 'a' }));
          await registry.save(samplePrompt('flip', { user: 'b' }));
          await registry.setLabel('flip', 'production', 1);
          let moving = true;
          const mover = (async () => {
            try {
              for (let i = 0; i < 20; i++) await registry.setLabel('flip', 'production', (i % 2) + 1);
            } finally {
              moving = false;
            }
          })();
          const seen = new Set<number>();
          let reads = 0;
          while (moving || reads < 20) {
            const found = await registry.getByLabel('flip', 'production');
            seen.add(found.version);
            reads++;
          }
          await mover;
          expect([...seen].every((v) => v === 1 || v === 2)).toBe(true);
        }));
    });

    describe('list, listVersions and archive', () => {
      it('summarises prompts, most recently saved first', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('alpha', { name: 'Alpha', tags: ['a'] }), { author: 'ana' });
          await sleep(5);
          await registry.save(
            samplePrompt('beta', { name: 'Beta', description: 'Writes haiku', tags: ['b'] }),
          );
          await sleep(5);
          const v2 = await registry.save(samplePrompt('alpha', { name: 'Alpha 2', tags: ['a', 'shared'] }), {
            author: 'bo',
          });
          await registry.setLabel('alpha', 'production', 1);

          const summaries = await registry.list();
          expect(summaries.map((s) => s.id)).toEqual(['alpha', 'beta']);
          expect(summaries[0]).toEqual({
            id: 'alpha',
            name: 'Alpha 2',
            description: 'Summarises a support ticket',
            tags: ['a', 'shared'],
            latestVersion: 2,
            labels: { production: 1 },
            archived: false,
            updatedAt: v2.createdAt,
            updatedBy: 'bo',
          });
          expect(summaries[1]?.updatedBy).toBeUndefined();
        }));

      it('filters by search (id, name, description; any case) and tag', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('alpha', { name: 'Alpha', tags: ['a'] }));
          await registry.save(
            samplePrompt('beta', { name: 'Beta', description: 'Writes HAIKU', tags: ['b'] }),
          );
          const ids = async (options: Parameters<PromptRegistry['list']>[0]) =>
            (await registry.list(options)).map((s) => s.id).sort();
          expect(await ids({ search: 'haiku' })).toEqual(['beta']);
          expect(await ids({ search: 'ALPH' })).toEqual(['alpha']);
          expect(await ids({ search: 'ticket' })).toEqual(['alpha']);
          expect(await ids({ tag: 'b' })).toEqual(['beta']);
          expect(await ids({ tag: 'B' })).toEqual([]);
          expect(await ids({ search: '%' })).toEqual([]);
        }));

      it('lists versions newest first with author, message and date', () =>
        withRegistry(async (registry) => {
          const v1 = await registry.save(samplePrompt('hist'), { author: 'ana', message: 'init' });
          await registry.save(samplePrompt('hist'));
          const versions = await registry.listVersions('hist');
          expect(versions).toEqual([
            { version: 2, createdAt: expect.any(Date), labels: [] },
            { version: 1, author: 'ana', message: 'init', createdAt: v1.createdAt, labels: [] },
          ]);
          await expectCode(registry.listVersions('ghost'), 'NOT_FOUND');
        }));

      it('hides archived prompts from list, keeps them readable and restores them', () =>
        withRegistry(async (registry) => {
          await registry.save(samplePrompt('old'));
          await registry.save(samplePrompt('new'));
          await registry.setLabel('old', 'production', 1);
          await registry.archive('old');
          await registry.archive('old');
          expect((await registry.list()).map((s) => s.id)).toEqual(['new']);
          const all = await registry.list({ includeArchived: true });
          expect(all.find((s) => s.id === 'old')?.archived).toBe(true);
          expect((await registry.getByLabel('old', 'production')).version).toBe(1);
          expect((await registry.get('old', 1)).id).toBe('old');
          await registry.unarchive('old');
          expect((await registry.list()).map((s) => s.id).sort()).toEqual(['new', 'old']);
          await expectCode(registry.archive('ghost'), 'NOT_FOUND');
          await expectCode(registry.unarchive('ghost'), 'NOT_FOUND');
        }));
    });
  });
}
