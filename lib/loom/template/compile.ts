import { type Liquid, type Template } from 'liquidjs';
import { compileTemplates, type CompiledRender } from './closure-compiler';
import { limitError, toLoomError, type Position } from './errors';
import type { TemplateLimits } from './limits';
import { LruCache } from '../core/lru-cache';

/** One `{{ root.path }}` interpolation of a variable-only template. */
export interface Interpolation {
  root: string;
  path: readonly string[];
  /** No segment is one of Liquid's computed properties (size, first, last). */
  isPlainLookup: boolean;
}

export interface CompiledTemplate {
  /** Root names read from the input (not loop variables or assigns), with their first position. */
  roots: ReadonlyMap<string, Position>;
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
const TAG_NAME = /\{%-?\s*([a-z]+)/g;

function positionAt(source: string, index: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** Splits a variable-only template into text and interpolations; undefined when it uses more. */
function compileInterpolations(
  source: string,
): { pieces: (string | Interpolation)[]; roots: Map<string, Position> } | undefined {
  const pieces: (string | Interpolation)[] = [];
  const roots = new Map<string, Position>();
  let last = 0;
  for (const match of source.matchAll(INTERPOLATION)) {
    const [root = '', ...path] = (match[1] ?? '').split('.');
    if (LITERALS.has(root)) return undefined;
    pieces.push(source.slice(last, match.index));
    pieces.push({ root, path, isPlainLookup: ![root, ...path].some((key) => LIQUID_COMPUTED.has(key)) });
    // Point at the name, as Liquid's analysis does.
    if (!roots.has(root)) roots.set(root, positionAt(source, match.index + match[0].indexOf(root)));
    last = match.index + match[0].length;
  }
  pieces.push(source.slice(last));
  const isPlain = pieces.every(
    (piece) => typeof piece !== 'string' || (!piece.includes('{{') && !piece.includes('{%')),
  );
  return isPlain ? { pieces: pieces.filter((piece) => piece !== ''), roots } : undefined;
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
      if (name === 'raw' || name === 'comment') {
        // Their bodies are text, not tags: skip to the closing tag.
        const end = source.slice(match.index).search(new RegExp(`\\{%-?\\s*end${name}`));
        if (end === -1) break;
        TAG_NAME.lastIndex = match.index + end;
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
    cacheSize: number,
    /** Off only to compare against plain Liquid (differential tests, debugging). */
    private readonly fastPaths = true,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  /** Throws TEMPLATE_LIMIT or TEMPLATE_SYNTAX (with line and column) naming `template`. */
  compile(source: string, template: string): CompiledTemplate {
    const cached = this.cache.get(source);
    if (cached !== undefined) return cached;
    const compiled = this.compileUncached(source, template);
    this.cache.set(source, compiled);
    return compiled;
  }

  /** Parses without the fast path: the editor's analysis wants Liquid's view of every template. */
  parse(source: string, template: string): Template[] {
    this.checkSize(source, template);
    try {
      return this.liquid.parse(source);
    } catch (error) {
      throw toLoomError(error, template, 'parse');
    }
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
        {
          ...positionAt(source, nesting.index),
        },
      );
    }
  }

  private compileUncached(source: string, template: string): CompiledTemplate {
    this.checkSize(source, template);
    const fast = this.fastPaths ? compileInterpolations(source) : undefined;
    if (fast !== undefined)
      return { roots: fast.roots, pieces: fast.pieces, liquid: undefined, closure: undefined };
    const liquid = this.parse(source, template);
    const roots = new Map<string, Position>();
    for (const [name, uses] of Object.entries(this.liquid.analyzeSync(liquid, { partials: false }).globals)) {
      const first = uses[0];
      roots.set(
        name,
        first === undefined
          ? { line: 1, column: 1 }
          : { line: first.location.row, column: first.location.col },
      );
    }
    const closure = this.fastPaths ? compileTemplates(liquid, this.liquid) : undefined;
    return { roots, pieces: undefined, liquid, closure };
  }
}
