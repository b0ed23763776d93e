import {
  ForTag,
  TablerowTag,
  TypeGuards,
  Value,
  toValueSync,
  type Template,
  type Token,
  type ValueToken,
} from 'liquidjs';
import { checkDeadline, type Deadline } from './deadline';

/**
 * What the parsed tree says that liquidjs does not tell us cheaply: where each root variable is
 * read, and filter pipes Liquid ignores. One walk, linear in the size of the tree.
 *
 * The variable part mirrors liquidjs 10.30's static analysis (`analyzeSync(..., { partials:
 * false })`: same roots, same order, same scoping of loop variables, assigns and captures; the
 * sandbox has no partials, so no aliases), but reports offsets instead of calling
 * `Token#getPosition`, which scans the source from its start on every call.
 */
export interface Inspection {
  /** Offsets of every read of each root name, in the order liquidjs's analysis reports them. */
  uses: Map<string, number[]>;
  /** Offset of the first `|` that no filter name follows (`{{ name | }}`), which Liquid ignores. */
  danglingPipe: number | undefined;
  /** Offset of the first `|` after a loop's list (`{% for x in xs | sort %}`), which Liquid ignores. */
  loopPipe: number | undefined;
}

/** A variable path as liquidjs's analysis sees it: constant segments and nested paths. */
interface PathVariable {
  segments: (string | number | PathVariable)[];
  offset: number;
}

type Argument = Value | ValueToken;
type PropertyAccess = Extract<ValueToken, { props: unknown }>;
/** liquidjs's FilterArg (not exported): a value or a `key: value` pair. */
type FilterArgument = ValueToken | [string?, ValueToken?];

/** Checking the clock on every node would cost more than the walk; every 64th is often enough. */
const DEADLINE_STRIDE = 64;

function constantOf(token: unknown): string | number | undefined {
  if (TypeGuards.isQuotedToken(token) || TypeGuards.isNumberToken(token) || TypeGuards.isWordToken(token))
    return token.content;
  return undefined;
}

function pathOf(token: PropertyAccess): PathVariable {
  const segments: PathVariable['segments'] = [];
  const [root, ...props] = token.props;
  const rootConstant = constantOf(root);
  if (rootConstant !== undefined) segments.push(rootConstant);
  else if (TypeGuards.isPropertyAccessToken(root)) segments.push(...pathOf(root).segments);
  for (const prop of props) {
    const constant = constantOf(prop);
    if (constant !== undefined) segments.push(constant);
    else if (TypeGuards.isPropertyAccessToken(prop)) segments.push(pathOf(prop));
  }
  return { segments, offset: token.begin };
}

function* filterArgumentPaths(args: readonly FilterArgument[]): Generator<PathVariable> {
  for (const arg of args) {
    if (Array.isArray(arg)) {
      if (arg[1]) yield* tokenPaths(arg[1]);
    } else if (TypeGuards.isValueToken(arg)) yield* tokenPaths(arg);
  }
}

function* expressionPaths(
  postfix: readonly Token[],
  filters: readonly { args: readonly FilterArgument[] }[],
): Generator<PathVariable> {
  for (const token of postfix) if (TypeGuards.isValueToken(token)) yield* tokenPaths(token);
  for (const filter of filters) yield* filterArgumentPaths(filter.args);
}

function* tokenPaths(token: ValueToken): Generator<PathVariable> {
  if (TypeGuards.isRangeToken(token)) {
    yield* tokenPaths(token.lhs);
    yield* tokenPaths(token.rhs);
  } else if (TypeGuards.isFilteredValueToken(token)) {
    yield* expressionPaths(token.initial.postfix, token.filters);
  } else if (TypeGuards.isPropertyAccessToken(token)) {
    yield pathOf(token);
  }
}

function argumentPaths(argument: Argument): Iterable<PathVariable> {
  if (argument instanceof Value) return expressionPaths(argument.initial.postfix, argument.filters);
  return TypeGuards.isValueToken(argument) ? tokenPaths(argument) : [];
}

/** Offset of a `|` that follows `end` after blanks only, if any. */
function pipeAfter(input: string, end: number): number | undefined {
  let i = end;
  while (i < input.length && /\s/.test(input.charAt(i))) i++;
  return input.charAt(i) === '|' ? i : undefined;
}

/** A `|` after a value's last token, which Liquid consumed without complaint. */
function danglingPipeOf(value: Value): number | undefined {
  const input = value.initial.postfix[0]?.input;
  if (input === undefined) return undefined;
  let end = 0;
  for (const token of value.initial.postfix) end = Math.max(end, token.end);
  for (const filter of value.filters) {
    // Filters the engine appends (the output escape) have no place in the source.
    const token = (filter as unknown as { token: Token }).token;
    if (token.input === input) end = Math.max(end, token.end);
  }
  return pipeAfter(input, end);
}

/** A stack of block scopes (for/tablerow variables); the first also holds assigns and captures. */
class Scope {
  private readonly stack: Set<string>[] = [new Set()];

  has(name: string): boolean {
    return this.stack.some((names) => names.has(name));
  }
  addToTemplate(name: string): void {
    this.stack[0]?.add(name);
  }
  push(names: Iterable<string>): void {
    this.stack.push(new Set(names));
  }
  pop(): void {
    this.stack.pop();
  }
}

export function inspectTemplates(templates: readonly Template[], deadline: Deadline): Inspection {
  const uses = new Map<string, number[]>();
  let danglingPipe: number | undefined;
  let loopPipe: number | undefined;
  let visited = 0;
  const scope = new Scope();

  const record = (path: PathVariable): void => {
    const [root] = path.segments;
    if (typeof root === 'string' && !scope.has(root)) {
      const offsets = uses.get(root);
      if (offsets === undefined) uses.set(root, [path.offset]);
      else offsets.push(path.offset);
    }
    for (const segment of path.segments) if (typeof segment === 'object') record(segment);
  };

  const visit = (template: Template): void => {
    if (++visited % DEADLINE_STRIDE === 0) checkDeadline(deadline, template.token.begin);
    for (const argument of template.arguments?.() ?? []) {
      for (const path of argumentPaths(argument)) record(path);
      if (argument instanceof Value && danglingPipe === undefined) danglingPipe = danglingPipeOf(argument);
    }
    if ((template instanceof ForTag || template instanceof TablerowTag) && loopPipe === undefined) {
      loopPipe = pipeAfter(template.collection.input, template.collection.end);
    }
    for (const ident of template.localScope?.() ?? []) scope.addToTemplate(String(ident.content));
    if (template.children === undefined) return;
    const blockScope = template.blockScope?.();
    if (blockScope !== undefined) scope.push(blockScope);
    for (const child of toValueSync(template.children(false, true))) visit(child);
    if (blockScope !== undefined) scope.pop();
  };

  for (const template of templates) visit(template);
  return { uses, danglingPipe, loopPipe };
}
