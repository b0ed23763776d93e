import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isLoomError } from '@/lib/loom/core';
import { parsePromptDocument } from '@/lib/loom/registry';
import { runRegistryContract, samplePrompt } from '@/lib/loom/testing/registry-contract';
import { createFileRegistry, type FileRegistryOptions } from './file-registry';

const run = promisify(execFile);

async function tempRoot(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'loom-file-registry-'));
}

runRegistryContract('file', async () => {
  const root = await tempRoot();
  return {
    registry: createFileRegistry({ root }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('file registry on disk', () => {
  async function withRoot(
    test: (
      root: string,
      make: (o?: Partial<FileRegistryOptions>) => ReturnType<typeof createFileRegistry>,
    ) => Promise<void>,
  ) {
    const root = await tempRoot();
    try {
      await test(root, (options) => createFileRegistry({ root, ...options }));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  it('stores one prompt document per version, labels.json and meta.json, and no temp files', () =>
    withRoot(async (root, make) => {
      const registry = make();
      await registry.save(samplePrompt('doc'), { author: 'ana' });
      await registry.save(samplePrompt('doc', { user: 'second' }));
      await registry.setLabel('doc', 'production', 2, { actor: 'bo' });
      await registry.archive('doc');
      expect((await readdir(path.join(root, 'doc'))).sort()).toEqual([
        'labels.json',
        'meta.json',
        'v000001.yaml',
        'v000002.yaml',
      ]);
      const first = parsePromptDocument(await readFile(path.join(root, 'doc', 'v000001.yaml'), 'utf8'));
      expect(first).toMatchObject({ id: 'doc', version: 1, author: 'ana' });
      expect(JSON.parse(await readFile(path.join(root, 'doc', 'labels.json'), 'utf8'))).toEqual({
        production: { version: 2, updatedAt: expect.any(String), updatedBy: 'bo' },
      });
    }));

  it('reads documents written by another registry on the same root (the export format is the storage format)', () =>
    withRoot(async (root, make) => {
      await make().save(samplePrompt('shared'));
      expect((await make().getLatest('shared')).user).toBe(samplePrompt('shared').user);
    }));

  it('ignores leftovers of a crashed writer: temp files and a directory without versions', () =>
    withRoot(async (root, make) => {
      const registry = make();
      await registry.save(samplePrompt('crash'));
      await writeFile(path.join(root, 'crash', '.tmp-123'), 'half a docu');
      await writeFile(path.join(root, 'README'), 'not a prompt');
      await (await import('node:fs/promises')).mkdir(path.join(root, 'empty'));
      expect((await registry.list()).map((s) => s.id)).toEqual(['crash']);
      await expect(registry.getLatest('empty')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await registry.save(samplePrompt('crash'))).version).toBe(2);
      expect((await registry.save(samplePrompt('empty'))).version).toBe(1);
    }));

  it('reports a corrupted document as INTERNAL with its file path', () =>
    withRoot(async (root, make) => {
      const registry = make();
      await registry.save(samplePrompt('bad'));
      const file = path.join(root, 'bad', 'v000001.yaml');
      await writeFile(file, 'id: bad\nversion: 1\nname: ""\n');
      const error = await registry.get('bad', 1).catch((e: unknown) => e);
      expect(isLoomError(error, 'INTERNAL')).toBe(true);
      expect(isLoomError(error) && error.details.file).toBe(file);
    }));

  it('takes over a stale lock left by a crashed process', () =>
    withRoot(async (root, make) => {
      const registry = make({ staleLockMs: 1_000, lockTimeoutMs: 3_000 });
      await registry.save(samplePrompt('lock'));
      const lock = path.join(root, 'lock', '.lock');
      await writeFile(lock, 'dead-process');
      const old = new Date(Date.now() - 60_000);
      await utimes(lock, old, old);
      expect(await registry.setLabel('lock', 'production', 1)).toEqual({ label: 'production', to: 1 });
      await expect(readFile(lock, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    }));

  it('waits for a live lock and gives up with UNAVAILABLE, changing nothing', () =>
    withRoot(async (root, make) => {
      const registry = make({ staleLockMs: 60_000, lockTimeoutMs: 100 });
      await registry.save(samplePrompt('busy'));
      await writeFile(path.join(root, 'busy', '.lock'), 'someone-else');
      await expect(registry.setLabel('busy', 'production', 1)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(registry.archive('busy')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(await registry.findByLabel('busy', 'production')).toBeUndefined();
      expect(await readFile(path.join(root, 'busy', '.lock'), 'utf8')).toBe('someone-else');
    }));

  it(
    'two processes saving and moving labels at once never overwrite or duplicate a version',
    () =>
      withRoot(async (root, make) => {
        const worker = path.join(import.meta.dirname, 'save-worker.fixture.ts');
        // A common start time makes the two processes' saves overlap whatever their boot times.
        const startAt = String(Date.now() + 3_000);
        const spawnWorker = (name: string) =>
          run(
            process.execPath,
            ['--conditions=react-server', '--import', 'tsx', worker, root, 'duel', name, '10', startAt],
            {
              cwd: path.resolve(import.meta.dirname, '../../..'),
            },
          );
        const [a, b] = await Promise.all([spawnWorker('a'), spawnWorker('b')]);
        const versionsA = JSON.parse(a.stdout) as number[];
        const versionsB = JSON.parse(b.stdout) as number[];
        expect([...versionsA, ...versionsB].sort((x, y) => x - y)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );

        const registry = make();
        const all = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.get('duel', i + 1)));
        expect(new Set(all.map((data) => data.user)).size).toBe(20);
        for (const data of all) expect(data.user.startsWith(`${data.author}-`)).toBe(true);
        const production = await registry.getByLabel('duel', 'production');
        expect(production.version).toBeGreaterThanOrEqual(1);
        expect((await readdir(path.join(root, 'duel'))).filter((name) => name.startsWith('.'))).toEqual([]);
      }),
    60_000,
  );
});
