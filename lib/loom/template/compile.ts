import { type Liquid, type Template } from 'liquidjs';
import { LoomError } from '../core';
import { LruCache } from '../core/lru-cache';
import { compileTemplates, type CompiledRender } from './closure-compiler';
import { deadlineExceededIn, type Deadline } from './deadline';
import { limitError, timeoutError, toLoomError, type Position } from './errors';
import { inspectTemplates } from './inspect';
import type { TemplateLimits } from './limits';
import { LineIndex } from './line-index';
import { parseLinear } from './linear-parser';

/** One `{{ root.path }}` interpolation of a variable-only template. */
export interface Interpolation {
  root: string;
  path: readonly string[];
  /** No segment is one of Liquid's computed properties (size, first, last). */
  isPlainLookup: boolean;
}

export interface CompiledTemplate {
  /**
   * Source offsets of every read of each root name from the input (not loop variables or
   * assigns), names in order of first use, as liquidjs's static analysis reports them.
   */
  uses: ReadonlyMap<string, readonly number[]>;
  /** Line and column of an offset; only the uses a caller reports are ever positioned. */
  lines: LineIndex;
  /** Precompiled pieces when the template only interpolates variables; identical output to Liquid. */
  pieces: readonly (string | Interpolation)[] | undefined;
  /** Parsed Liquid, for everything else. */
  liquid: Template[] | undefined;
  /** Closures for the common Liquid subset; undefined when the template needs Liquid itself. */
  closure: CompiledRender | undefined;
}

const IDENTIFIER = '[A-Za-z_][A-Za-z0-9_]*';
const INTERPOLATION = new RegExp(`\\{\\{\\s*(${IDENTIFIER}(?:\\.${IDENTIFIER})*)\\s*\\}\\}`, 'g');
/** Liquid literals look like identifiers but are not variables. */
const LITERALS = new Set(['true', 'false', 'nil', 'null', 'empty', 'blank']);
/** Properties Liquid computes for arrays and strings; any other key is an own-property read. */
const LIQUID_COMPUTED = new Set(['size', 'first', 'last']);
const BLOCK_TAGS = new Set(['if', 'unless', 'for', 'case', 'capture', 'tablerow', 'comment', 'raw']);
/**
 * Heap per source character of a cached template, measured as heap growth over 200 cached 4 KB
 * templates of three shapes: liquidjs's parsed tree costs 100 to 150 bytes per character (outputs
 * with filters and if blocks the most), the interpolation pieces about 5.
 */
const PARSED_BYTES_PER_CHAR = 150;
const FAST_PATH_BYTES_PER_CHAR = 5;
/** Map node, list node and the template's fixed fields. */
const ENTRY_OVERHEAD_BYTES = 512;
const TAG_NAME = /\{%-?\s*([a-z]+)/g;
/** Where the text body of a raw or comment block ends. */
const BODY_END: Record<string, RegExp> = { raw: /\{%-?\s*endraw/g, comment: /\{%-?\s*endcomment/g };

/** Splits a variable-only template into text and interpolations; undefined when it uses more. */
function compileInterpolations(
  source: string,
): { pieces: (string | Interpolation)[]; uses: Map<string, number[]> } | undefined {
  const pieces: (string | Interpolation)[] = [];
  const uses = new Map<string, number[]>();
  // One piece per distinct path: a long template repeats the same few.
  const interpolations = new Map<string, Interpolation>();
  INTERPOLATION.lastIndex = 0;
  let last = 0;
  for (let match = INTERPOLATION.exec(source); match !== null; match = INTERPOLATION.exec(source)) {
    const text = match[1] ?? '';
    let interpolation = interpolations.get(text);
    if (interpolation === undefined) {
      const [root = '', ...path] = text.split('.');
      if (LITERALS.has(root)) return undefined;
      interpolation = { root, path, isPlainLookup: ![root, ...path].some((key) => LIQUID_COMPUTED.has(key)) };
      interpolations.set(text, interpolation);
    }
    if (match.index > last) pieces.push(source.slice(last, match.index));
    pieces.push(interpolation);
    // Point at the name, as Liquid's analysis does.
    const offset = match.index + match[0].indexOf(text);
    const offsets = uses.get(interpolation.root);
    if (offsets === undefined) uses.set(interpolation.root, [offset]);
    else offsets.push(offset);
    last = match.index + match[0].length;
  }
  if (last < source.length) pieces.push(source.slice(last));
  const isPlain = pieces.every(
    (piece) => typeof piece !== 'string' || (!piece.includes('{{') && !piece.includes('{%')),
  );
  return isPlain ? { pieces, uses } : undefined;
}

/** Nesting depth of block tags, checked before parsing because Liquid's parser recurses per level. */
function nestingDepth(source: string): { depth: number; index: number } {
  let depth = 0;
  let deepest = { depth: 0, index: 0 };
  TAG_NAME.lastIndex = 0;
  for (let match = TAG_NAME.exec(source); match !== null; match = TAG_NAME.exec(source)) {
    const name = match[1] ?? '';
    if (BLOCK_TAGS.has(name)) {
      depth += 1;
      if (depth > deepest.depth) deepest = { depth, index: match.index };
      const bodyEnd = BODY_END[name];
      if (bodyEnd !== undefined) {
        // Their bodies are text, not tags: skip to the closing tag.
        bodyEnd.lastIndex = match.index;
        const end = bodyEnd.exec(source);
        if (end === null) break;
        TAG_NAME.lastIndex = end.index;
      }
    } else if (name.startsWith('end') && BLOCK_TAGS.has(name.slice(3))) {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** Parses templates with a sandboxed Liquid and caches the result by source. */
export class TemplateCompiler {
  private readonly cache: LruCache<string, CompiledTemplate>;

  constructor(
    readonly liquid: Liquid,
    private readonly limits: TemplateLimits,
    cache: { maxEntries: number; maxBytes: number },
    /** Off only to compare against plain Liquid (differential tests, debugging). */
    private readonly fastPaths = true,
  ) {
    this.cache = new LruCache(cache.maxEntries, { maxWeight: cache.maxBytes, weigh: weighCompiled });
  }

  /**
   * Throws TEMPLATE_LIMIT (size, nesting, time past `deadline`) or TEMPLATE_SYNTAX (with line and
   * column) naming `template`. The editor's analysis and rendering share this cache, so a preview
   * parses each template once.
   */
  compile(source: string, template: string, deadline: Deadline): CompiledTemplate {
    const cached = this.cache.get(source);
    if (cached !== undefined) return cached;
    const compiled = this.compileUncached(source, template, deadline);
    this.cache.set(source, compiled);
    return compiled;
  }

  private checkSize(source: string, template: string): void {
    if (source.length > this.limits.maxSourceLength) {
      throw limitError(
        `Template ${template} is ${source.length} characters; the limit is ${this.limits.maxSourceLength}`,
        template,
      );
    }
    const nesting = nestingDepth(source);
    if (nesting.depth > this.limits.maxNesting) {
      throw limitError(
        `Template ${template} nests blocks deeper than ${this.limits.maxNesting} levels`,
        template,
        { ...new LineIndex(source).positionOf(nesting.index) },
      );
    }
  }

  private compileUncached(source: string, template: string, deadline: Deadline): CompiledTemplate {
    this.checkSize(source, template);
    const fast = this.fastPaths ? compileInterpolations(source) : undefined;
    const lines = new LineIndex(source);
    if (fast !== undefined)
      return { uses: fast.uses, lines, pieces: fast.pieces, liquid: undefined, closure: undefined };
    let liquid: Template[];
    let uses: Map<string, number[]>;
    try {
      liquid = parseLinear(this.liquid, source, deadline);
      const inspection = inspectTemplates(liquid, deadline);
      if (inspection.danglingPipe !== undefined) {
        throw pipeError(template, lines.positionOf(inspection.danglingPipe), DANGLING_PIPE);
      }
      if (inspection.loopPipe !== undefined) {
        throw pipeError(template, lines.positionOf(inspection.loopPipe), LOOP_PIPE);
      }
      uses = inspection.uses;
    } catch (error) {
      const exceeded = deadlineExceededIn(error);
      if (exceeded === undefined) throw toLoomError(error, template, 'parse');
      const position = exceeded.offset === undefined ? undefined : lines.positionOf(exceeded.offset);
      throw timeoutError(template, 'parse', exceeded.deadline, position);
    }
    const closure = this.fastPaths ? compileTemplates(liquid, this.liquid) : undefined;
    return { uses, lines, pieces: undefined, liquid, closure };
  }
}

const DANGLING_PIPE = 'A "|" must be followed by a filter name, such as "| upcase"';
const LOOP_PIPE =
  'A loop cannot filter its list: assign the filtered list first, as in {% assign sorted = items | sort %}';

/** Liquid silently ignores these pipes; a template that says more than it does must not render. */
function pipeError(template: string, position: Position, message: string): LoomError {
  return new LoomError(
    'TEMPLATE_SYNTAX',
    `Template syntax error in ${template} at line ${position.line}, column ${position.column}: ${message}`,
    { template, ...position, issues: [{ message, ...position }] },
  );
}

/** What a cached template holds in bytes, roughly: its source (the key) as UTF-16 and its parsed form. */
export function weighCompiled(compiled: CompiledTemplate, source: string): number {
  const perChar = compiled.pieces !== undefined ? FAST_PATH_BYTES_PER_CHAR : PARSED_BYTES_PER_CHAR;
  return source.length * (2 + perChar) + ENTRY_OVERHEAD_BYTES;
}
