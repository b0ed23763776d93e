// Parses import files off the request thread (see prompt-import-parse.ts): YAML's parser can take seconds
// and hundreds of MB on a hostile file, so it runs here, where a time and memory limit can stop it.
// Plain JavaScript that imports only `yaml`, so Node loads it as is under `next start` and Vitest.
import { parentPort, workerData } from 'node:worker_threads';
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser } from 'yaml';

/** @type {{ files: { name: string; content: string }[]; maxPrompts: number; maxNodes: number; maxDepth: number }} */
const { files, maxPrompts, maxNodes, maxDepth } = workerData;

class TooComplex extends Error {}

/**
 * One node as nested arrays, cheap to clone to the main thread: `[0, offset, value]` for a scalar,
 * `[1, offset, key, value, key, value...]` for a mapping, `[2, offset, ...items]` for a sequence.
 * The offset (-1 if none) is where the node starts in the file, for errors' lines and columns.
 * Aliases are expanded; the node budget bounds what that and the main thread's rebuild cost.
 */
function encode(node, doc, budget, depth) {
  if (depth > maxDepth) throw new TooComplex(`nested more than ${maxDepth} levels deep`);
  if (--budget.left < 0) throw new TooComplex(`more than ${maxNodes} values`);
  if (isAlias(node)) return encode(node.resolve(doc), doc, budget, depth + 1);
  const offset = node?.range?.[0] ?? -1;
  if (isMap(node)) {
    const tree = [1, offset];
    for (const pair of node.items) {
      tree.push(encode(pair.key, doc, budget, depth + 1), encode(pair.value, doc, budget, depth + 1));
    }
    return tree;
  }
  if (isSeq(node)) return [2, offset, ...node.items.map((item) => encode(item, doc, budget, depth + 1))];
  return [0, offset, isScalar(node) ? node.value : (node ?? null)];
}

function jsonArrayLength(content) {
  if (!content.trimStart().startsWith('[')) return undefined;
  try {
    const value = JSON.parse(content);
    return Array.isArray(value) ? value.length : undefined;
  } catch {
    return undefined; // YAML, or not valid at all: the YAML parser says where.
  }
}

/** Splits one file into its prompts: one document, a stream of them, or one sequence of them. */
function split(content, budget) {
  // The native parser counts a large JSON array (the export format) in milliseconds.
  const jsonLength = jsonArrayLength(content);
  if (jsonLength !== undefined && jsonLength > maxPrompts)
    return { kind: 'tooMany', found: String(jsonLength) };
  const lineCounter = new LineCounter();
  const documents = [];
  // Documents are composed one at a time, so a stream of thousands stops at the cap.
  const composer = new Composer({ uniqueKeys: true });
  for (const doc of composer.compose(new Parser(lineCounter.addNewLine).parse(content))) {
    if (doc.errors.length > 0) {
      const issues = doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { line, column: col, message: error.message.split('\n')[0] ?? error.message };
      });
      return { kind: 'syntax', issues };
    }
    // Empty documents count too: a stream of bare `---` must not run on unchecked either.
    if (documents.push(doc) > maxPrompts) return { kind: 'tooMany', found: `more than ${maxPrompts}` };
  }
  const [first] = documents;
  const nodes =
    documents.length === 1 && first && isSeq(first.contents)
      ? first.contents.items.map((node) => ({ doc: first, node }))
      : documents.filter((doc) => doc.contents !== null).map((doc) => ({ doc, node: doc.contents }));
  if (nodes.length > maxPrompts) return { kind: 'tooMany', found: String(nodes.length) };
  const prompts = nodes.map(({ doc, node }) => encode(node, doc, budget, 0));
  return { kind: 'prompts', prompts, lineStarts: lineCounter.lineStarts };
}

const budget = { left: maxNodes };
for (const [index, file] of files.entries()) {
  let result;
  try {
    result = split(file.content, budget);
  } catch (error) {
    if (!(error instanceof TooComplex) && !(error instanceof RangeError)) throw error;
    result = {
      kind: 'tooComplex',
      reason: error instanceof TooComplex ? error.message : 'nested too deeply',
    };
  }
  parentPort.postMessage({ index, result });
  if (result.kind !== 'prompts') break;
}
