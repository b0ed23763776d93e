import 'server-only';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { LoomError } from '@/lib/loom/core';
import type { ParsedPromptYaml } from '@/lib/loom/registry';

/** One import is one transaction; a few hundred prompts keep it well inside its time budget. */
export const MAX_IMPORT_PROMPTS = 500;
/** Values in one import: a 500-prompt export holds ~15,000; each is rebuilt on the request thread. */
export const MAX_IMPORT_NODES = 50_000;
const MAX_IMPORT_DEPTH = 64;
/** Wall-clock limit of one file's parse: a 900 KB export takes 1-2 s even on a loaded machine. */
export const IMPORT_PARSE_TIMEOUT_MS = 5_000;
/** Heap of the parsing worker: a 900 KB export fits in 64 MB; a hostile file would take ~500 MB. */
export const IMPORT_PARSE_HEAP_MB = 96;

/** The worker is plain JavaScript loaded by path: the studio always runs from the repository root. */
const WORKER_FILE = path.join(process.cwd(), 'lib', 'server', 'prompts', 'prompt-import-worker.mjs');

/** The prompts of one file, parsed but not yet validated: each node keeps its place in the file. */
export interface ImportFileParts {
  name: string;
  prompts: ParsedPromptYaml[];
}

interface ImportFile {
  name: string;
  content: string;
}

/** A node as the worker sends it (see `encode` in prompt-import-worker.mjs). */
type EncodedNode = [0, number, unknown] | [1 | 2, number, ...EncodedNode[]];

type FileResult =
  | { kind: 'prompts'; prompts: EncodedNode[]; lineStarts: number[] }
  | { kind: 'syntax'; issues: { line: number; column: number; message: string }[] }
  | { kind: 'tooMany'; found: string }
  | { kind: 'tooComplex'; reason: string };

/**
 * Splits each file into its prompts: a YAML document, a YAML stream (`---` between prompts), a JSON
 * object, or a JSON (or YAML) array of them. The YAML parser runs in a worker with a heap and time
 * limit, so a hostile file neither blocks other requests nor exhausts the server's memory. Throws
 * INVALID_INPUT naming the file for a file that is not YAML, holds no prompt, holds more than
 * `MAX_IMPORT_PROMPTS`, or is too large or slow to parse.
 */
export async function parseImportFiles(files: readonly ImportFile[]): Promise<ImportFileParts[]> {
  const results = await parseInWorker(files);
  return files.map((file, index) => {
    const result = results[index];
    if (!result) throw new Error(`The import worker did not answer for ${file.name}.`);
    return toParts(file.name, result);
  });
}

function toParts(name: string, result: FileResult): ImportFileParts {
  switch (result.kind) {
    case 'syntax': {
      const issues = result.issues.map(({ line, column, message }) => ({
        path: name,
        line,
        column,
        message: `${name}, line ${line}, column ${column}: ${message}`,
      }));
      throw new LoomError('INVALID_INPUT', `${name} is not valid YAML or JSON.`, { file: name, issues });
    }
    case 'tooMany':
      throw tooManyPrompts(result.found, name);
    case 'tooComplex':
      throw tooComplex(name, result.reason);
    case 'prompts': {
      if (result.prompts.length === 0) {
        throw new LoomError('INVALID_INPUT', `${name} contains no prompt.`, {
          file: name,
          issues: [{ path: name, message: `${name} contains no prompt document` }],
        });
      }
      const lineCounter = new LineCounter();
      lineCounter.lineStarts = result.lineStarts;
      // Aliases arrive expanded, so one empty document resolves every node.
      const doc = new Document();
      return { name, prompts: result.prompts.map((node) => ({ doc, node: decode(node), lineCounter })) };
    }
  }
}

/** Rebuilds the worker's node with its offset, so validation errors keep their line and column. */
function decode(encoded: EncodedNode): Scalar | YAMLMap | YAMLSeq {
  const [kind, offset] = encoded;
  let node: Scalar | YAMLMap | YAMLSeq;
  if (encoded[0] === 0) {
    node = new Scalar(encoded[2]);
  } else if (kind === 1) {
    const map = new YAMLMap();
    for (let i = 2; i < encoded.length; i += 2) {
      map.items.push(new Pair(decode(encoded[i] as EncodedNode), decode(encoded[i + 1] as EncodedNode)));
    }
    node = map;
  } else {
    const seq = new YAMLSeq();
    for (let i = 2; i < encoded.length; i++) seq.items.push(decode(encoded[i] as EncodedNode));
    node = seq;
  }
  if (offset >= 0) node.range = [offset, offset, offset];
  return node;
}

/** Runs the worker over every file in order; it stops at the first file it refuses. */
function parseInWorker(files: readonly ImportFile[]): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = [];
    const worker = new Worker(WORKER_FILE, {
      workerData: {
        files,
        maxPrompts: MAX_IMPORT_PROMPTS,
        maxNodes: MAX_IMPORT_NODES,
        maxDepth: MAX_IMPORT_DEPTH,
      },
      resourceLimits: { maxOldGenerationSizeMb: IMPORT_PARSE_HEAP_MB },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    /** The file the worker is on: the first one it has not answered for. */
    const current = () => files[results.length]?.name ?? files[files.length - 1]?.name ?? 'import';
    let timer = setTimeout(onTimeout, IMPORT_PARSE_TIMEOUT_MS);
    function onTimeout() {
      const seconds = IMPORT_PARSE_TIMEOUT_MS / 1000;
      settle(() => reject(tooComplex(current(), `took longer than ${seconds} s`)));
    }
    worker.on('message', ({ index, result }: { index: number; result: FileResult }) => {
      results[index] = result;
      clearTimeout(timer);
      timer = setTimeout(onTimeout, IMPORT_PARSE_TIMEOUT_MS);
      if (result.kind !== 'prompts' || results.length === files.length) settle(() => resolve(results));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? tooComplex(current(), `needs more than ${IMPORT_PARSE_HEAP_MB} MB`)
            : error,
        ),
      );
    });
    worker.on('exit', (code) => {
      settle(() => reject(new Error(`The import worker stopped (exit code ${code}) before answering.`)));
    });
  });
}

/** `file` when one file alone holds too many. */
export function tooManyPrompts(found: string, file?: string): LoomError {
  return new LoomError('INVALID_INPUT', `Import at most ${MAX_IMPORT_PROMPTS} prompts at once.`, {
    ...(file === undefined ? {} : { file }),
    issues: [{ path: 'files', message: `${found} prompts found${file === undefined ? '' : ` in ${file}`}` }],
  });
}

function tooComplex(name: string, reason: string): LoomError {
  const message = `The file ${name} is too complex to import (${reason}).`;
  return new LoomError('INVALID_INPUT', message, { file: name, issues: [{ path: name, message }] });
}
