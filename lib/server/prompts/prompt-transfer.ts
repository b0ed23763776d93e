import 'server-only';
import { parse } from 'yaml';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { forEachBounded } from '@/lib/loom/chain';
import { isLoomError, LoomError, type LoomIssue, type PromptData } from '@/lib/loom/core';
import { promptFromYaml, serializePromptDocument, type PromptRegistry } from '@/lib/loom/registry';
import { formatBytes } from '@/components/prompts/format';
import { MAX_IMPORT_BYTES, type ImportResult } from '@/components/prompts/types';
import type { Viewer } from '../auth/session';
import { assertRubricDraft } from '../suites/rubric';
import { canonicalVersionText, inRegistryTransaction } from './prompt-history';
import {
  MAX_IMPORT_PROMPTS,
  parseImportFiles,
  tooManyPrompts,
  type ImportFileParts,
} from './prompt-import-parse';

export { MAX_IMPORT_PROMPTS };

export const importPromptsSchema = z
  .object({
    files: z
      .array(z.object({ name: z.string().trim().min(1).max(255), content: z.string() }))
      .min(1, 'Choose a file or paste a prompt document.')
      .max(50, 'Import at most 50 files at once.'),
  })
  .superRefine(({ files }, ctx) => {
    let total = 0;
    files.forEach((file, index) => {
      total += Buffer.byteLength(file.content, 'utf8');
      if (file.content.trim() === '') {
        ctx.addIssue({ code: 'custom', path: ['files', index], message: `${file.name} is empty.` });
      }
    });
    if (total > MAX_IMPORT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `The import is ${formatBytes(total)}; at most ${formatBytes(MAX_IMPORT_BYTES)} can be imported at once.`,
      });
    }
  });
export type ImportPromptsInput = z.infer<typeof importPromptsSchema>;

export type ExportFormat = 'yaml' | 'json';

/** Reads in flight for one export: a 1,000-prompt export must leave the 10-connection pool to others. */
const EXPORT_CONCURRENCY = 4;

/** Validates each prompt of a split file; errors name the file, the prompt and its line and column. */
function validateImportFile({ name, prompts }: ImportFileParts): PromptData[] {
  return prompts.map((parsed, index) => {
    const where = prompts.length === 1 ? name : `${name} (prompt ${index + 1})`;
    try {
      return promptFromYaml(parsed, { path: where });
    } catch (error) {
      if (!isLoomError(error, 'INVALID_INPUT')) throw error;
      // Keyed by file so the dialog groups the problems under the file they are in.
      const issues: LoomIssue[] = (error.details.issues ?? []).map((issue) => ({
        ...issue,
        path: name,
        message: [
          issue.line === undefined ? where : `${where}, line ${issue.line}, column ${issue.column}`,
          issue.path ? `"${issue.path}": ${issue.message}` : issue.message,
        ].join(': '),
      }));
      throw new LoomError('INVALID_INPUT', error.message, { file: name, issues }, { cause: error });
    }
  });
}

/**
 * Imports every prompt of every file in ONE transaction: all are saved or none is. A prompt whose
 * content equals its latest version is left alone, so re-importing an export changes nothing.
 */
export async function importPrompts(
  prisma: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'email'>,
  input: ImportPromptsInput,
): Promise<ImportResult> {
  // Every file is counted before any prompt is validated, so the cap bounds the work.
  const files = await parseImportFiles(input.files);
  const count = files.reduce((sum, file) => sum + file.prompts.length, 0);
  if (count > MAX_IMPORT_PROMPTS) throw tooManyPrompts(String(count));
  const documents = files.flatMap((file) =>
    validateImportFile(file).map((data) => ({ file: file.name, data })),
  );
  const seen = new Map<string, string>();
  for (const { file, data } of documents) {
    const first = seen.get(data.id);
    if (first !== undefined) {
      throw new LoomError('INVALID_INPUT', `Prompt "${data.id}" appears twice (${first} and ${file}).`, {
        issues: [{ path: file, message: `${file}: prompt "${data.id}" is also in ${first}` }],
      });
    }
    seen.set(data.id, file);
    // A judge rubric in use keeps its variables whichever way a new version arrives.
    await assertRubricDraft(prisma, viewer.workspaceId, data.id, data).catch((error: unknown) => {
      if (!isLoomError(error, 'INVALID_INPUT')) throw error;
      throw new LoomError('INVALID_INPUT', `${file}: ${error.message}`, {
        issues: [{ path: file, message: `${file}: ${error.message}` }],
      });
    });
  }
  return inRegistryTransaction(prisma, viewer.workspaceId, async (registry) => {
    const result: ImportResult = { saved: [], unchanged: [] };
    for (const { file, data } of documents) {
      const latest = await findLatest(registry, data.id);
      if (latest && canonicalVersionText(latest) === canonicalVersionText(data)) {
        result.unchanged.push(data.id);
        continue;
      }
      const saved = await registry.save(data, {
        author: viewer.email,
        message: `Imported from ${file}`,
        expectedLatest: latest?.version ?? 0,
      });
      result.saved.push({ id: saved.id, version: saved.version });
    }
    return result;
  });
}

async function findLatest(registry: PromptRegistry, id: string): Promise<PromptData | undefined> {
  try {
    return await registry.getLatest(id);
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

/**
 * The latest version of each prompt in the import format: a YAML stream (one document per prompt,
 * `---` between) or a JSON array of the same objects. No ids means every prompt not archived.
 */
export async function exportPrompts(
  registry: PromptRegistry,
  ids: string[],
  format: ExportFormat,
): Promise<{ filename: string; contentType: string; body: string }> {
  const selected = ids.length > 0 ? ids : (await registry.list()).map((s) => s.id);
  const prompts: PromptData[] = new Array<PromptData>(selected.length);
  await forEachBounded(selected, EXPORT_CONCURRENCY, async (id, index) => {
    prompts[index] = await registry.getLatest(id);
  });
  const documents = prompts.map(serializePromptDocument);
  const stem = prompts.length === 1 && prompts[0] ? prompts[0].id : 'prompts';
  if (format === 'json') {
    const objects: unknown[] = documents.map((text) => parse(text));
    return {
      filename: `${stem}.json`,
      contentType: 'application/json; charset=utf-8',
      body: `${JSON.stringify(objects, null, 2)}\n`,
    };
  }
  return {
    filename: `${stem}.yaml`,
    contentType: 'application/yaml; charset=utf-8',
    body: documents.join('---\n'),
  };
}
