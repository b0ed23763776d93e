// The import parser runs YAML off the request thread: a hostile file must be refused naming the
// file and the limit, while other requests keep being served.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES } from '@/components/prompts/types';
import { promptFromYaml } from '@/lib/loom/registry';
import {
  IMPORT_PARSE_HEAP_MB,
  IMPORT_PARSE_TIMEOUT_MS,
  MAX_IMPORT_NODES,
  MAX_IMPORT_PROMPTS,
  parseImportFiles,
} from './prompt-import-parse';

/**
 * Runs `fn` and reports how long it took and how long this thread's event loop was busy meanwhile:
 * an upper bound on any one block. (A timer's gaps would also count the time a loaded machine gives
 * the CPU to other processes: 125 ms on an idle Node process at a load of 10 on 2 cores.)
 */
async function watchEventLoop(fn: () => Promise<unknown>) {
  const started = performance.now();
  const utilization = performance.eventLoopUtilization();
  const outcome = await fn().then(
    () => undefined,
    (error: unknown) => error,
  );
  return {
    outcome,
    ms: performance.now() - started,
    busyMs: performance.eventLoopUtilization(utilization).active,
  };
}

describe('parseImportFiles on hostile YAML', () => {
  // Before, each took 5.7-9.3 s and 260-500 MB inside the request's thread, blocking every other user.
  it.each([
    ['a flow sequence of plain scalars', `[${Array(Math.floor(MAX_IMPORT_BYTES / 2) - 1).fill('a')}]`],
    ['a block sequence of plain scalars', '- a\n'.repeat(Math.floor(MAX_IMPORT_BYTES / 4))],
    [
      'one prompt holding a huge sequence',
      `tags: [${Array(Math.floor(MAX_IMPORT_BYTES / 2) - 5).fill('a')}]`,
    ],
  ])(
    'refuses %s of the maximum size, naming the file and the limit, without blocking',
    async (_label, content) => {
      expect(Buffer.byteLength(content)).toBeLessThanOrEqual(MAX_IMPORT_BYTES);
      const { outcome, ms, busyMs } = await watchEventLoop(() =>
        parseImportFiles([{ name: 'hostile.yaml', content }]),
      );
      // Whichever limit the parse reaches first: the prompt cap, the heap or the clock.
      expect(outcome).toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(
          new RegExp(
            `^(Import at most ${MAX_IMPORT_PROMPTS} prompts at once|The file hostile\\.yaml is too complex to import \\((more than ${MAX_IMPORT_NODES} values|needs more than ${IMPORT_PARSE_HEAP_MB} MB|took longer than ${IMPORT_PARSE_TIMEOUT_MS / 1000} s)\\))\\.$`,
          ),
        ),
        details: { file: 'hostile.yaml' },
      });
      expect(ms).toBeLessThan(IMPORT_PARSE_TIMEOUT_MS + 1_000);
      // Creating and stopping the worker keeps the loop busy 6-70 ms in all; the margin absorbs a
      // loaded CI machine (time stretches when 10 processes share 2 cores). Before: 5.7-9.3 s.
      expect(busyMs).toBeLessThan(250);
    },
  );

  it('refuses a file of more values than the request thread may rebuild, even when it parses fast', async () => {
    const prompt = (i: number) => `id: p-${i}\nname: P\ntags: [${Array(6_000).fill('t')}]\n`;
    const content = Array.from({ length: 10 }, (_, i) => prompt(i)).join('---\n');
    const outcome = await parseImportFiles([{ name: 'wide.yaml', content }]).catch((error: unknown) => error);
    expect(outcome).toMatchObject({
      message: `The file wide.yaml is too complex to import (more than ${MAX_IMPORT_NODES} values).`,
      details: { file: 'wide.yaml' },
    });
  });

  it('names the file that timed out or ran out of memory, not the ones before it', async () => {
    const outcome = await parseImportFiles([
      { name: 'fine.yaml', content: 'id: fine\nname: Fine\n' },
      { name: 'deep.yaml', content: `${'['.repeat(200_000)}${']'.repeat(200_000)}` },
    ]).catch((error: unknown) => error);
    expect(outcome).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^The file deep\.yaml is too complex to import \(.+\)\.$/),
    });
  });
});

describe('parseImportFiles on ordinary files', () => {
  it('splits a YAML sequence and keeps each field at its line and column', async () => {
    const content = '- &base\n  id: one\n  name: One\n- id: two\n  name: Two\n  temprature: 1\n';
    const [file] = await parseImportFiles([{ name: 'ok.yaml', content }]);
    expect(file?.prompts).toHaveLength(2);
    const [first, second] = file?.prompts ?? [];
    expect(first && promptFromYaml(first)).toMatchObject({ id: 'one', name: 'One' });
    expect(() => second && promptFromYaml(second)).toThrow(
      expect.objectContaining({
        details: { issues: [{ path: 'temprature', message: 'unknown field', line: 6, column: 3 }] },
      }),
    );
  });

  it('expands aliases and places nested errors at their line', async () => {
    const content = 'id: a\nname: A\ntags: &t [x, 1]\nmessages: *t\n';
    const [file] = await parseImportFiles([{ name: 'alias.yaml', content }]);
    const [prompt] = file?.prompts ?? [];
    expect(() => prompt && promptFromYaml(prompt)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ issues: expect.any(Array) }) }),
    );
  });

  it('reports a syntax error with the line and column of the file', async () => {
    const outcome = await parseImportFiles([{ name: 'broken.yaml', content: 'id: a\nname: [B\n' }]).catch(
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({
      message: 'broken.yaml is not valid YAML or JSON.',
      details: { issues: [{ path: 'broken.yaml', line: expect.any(Number), column: expect.any(Number) }] },
    });
  });
});

describe('parseImportFiles on a full-size export', () => {
  it('parses 500 prompts of the maximum size within the time and heap limits of the worker', async () => {
    const template = '  Line of text for the template with {{var}} placeholders here.\n'.repeat(25);
    const content = Array.from(
      { length: MAX_IMPORT_PROMPTS },
      (_, i) => `id: prompt-${i}\nname: Prompt ${i}\ntags: [a, b]\ntemplate: |\n${template}`,
    ).join('---\n');
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(MAX_IMPORT_BYTES);
    const [file] = await parseImportFiles([{ name: 'export.yaml', content }]);
    expect(file?.prompts).toHaveLength(MAX_IMPORT_PROMPTS);
  });
});
