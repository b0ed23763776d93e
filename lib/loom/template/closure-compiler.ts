import {
  Drop,
  ForTag,
  IfTag,
  LiquidError,
  Output,
  RenderError,
  TokenKind,
  TypeGuards,
  isTruthy,
  toValue,
  toValueSync,
  type Context,
  type Emitter,
  type Liquid,
  type Template,
} from 'liquidjs';

/**
 * Compiles the common subset of parsed Liquid (text, outputs with filters, if/elsif/else, plain
 * for loops) into closures, because Liquid's generator-based evaluation costs microseconds per node.
 * Every closure mirrors the corresponding liquidjs 10.30 code path (scope lookup, filter calls,
 * operators, truthiness, forloop), so output and errors are the same; templates using anything
 * else (assign, capture, case, ranges, loop modifiers, break...) return undefined and run in Liquid.
 */
export type CompiledRender = (context: Context, emitter: Emitter) => void;

type Evaluate = (context: Context) => unknown;
type Token = Parameters<typeof TypeGuards.isPropertyAccessToken>[0];

interface PropertyAccess {
  variable?: Token;
  props: Token[];
}
interface FilterLike {
  token: unknown;
  handler: (...args: unknown[]) => unknown;
  args: (Token | [string, Token])[];
}
interface ValueLike {
  initial: { postfix: Token[] };
  filters: FilterLike[];
}

const UNARY_OPERATORS = new Set(['not']);

/** Resolves generators returned by filters and operators, as Liquid's `yield` does. */
const settle = (value: unknown): unknown => toValueSync(value);

/** Liquid's Context#findScope is private API in its typings but the lookup rule we must mirror. */
const findScope = (context: Context, key: unknown): unknown =>
  (context as unknown as { findScope(key: unknown): unknown }).findScope(key);

/** Same own fields (i, length, name), methods and JSON printing as liquidjs's ForloopDrop. */
class ForloopDrop extends Drop {
  // Assigned in this order so `{{ forloop }}` prints the same JSON as Liquid's.
  i: number;
  readonly length: number;
  readonly name: string;
  constructor(length: number, name: string) {
    super();
    this.i = 0;
    this.length = length;
    this.name = name;
  }
  next(): void {
    this.i++;
  }
  index0(): number {
    return this.i;
  }
  index(): number {
    return this.i + 1;
  }
  first(): boolean {
    return this.i === 0;
  }
  last(): boolean {
    return this.i === this.length - 1;
  }
  rindex(): number {
    return this.length - this.i;
  }
  rindex0(): number {
    return this.length - this.i - 1;
  }
  override valueOf(): string {
    return JSON.stringify(this);
  }
}

function isObject(value: unknown): value is object {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/** liquidjs's toEnumerable: what a for loop iterates over. */
function toEnumerable(input: unknown): unknown[] {
  const value: unknown = toValue(input);
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (isObject(value) && Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  if (isObject(value)) return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
  return [];
}

function compileToken(token: Token): Evaluate | undefined {
  if ('content' in token) {
    const content = (token as { content: unknown }).content;
    return () => content;
  }
  if (!TypeGuards.isPropertyAccessToken(token)) return undefined;
  const access = token as unknown as PropertyAccess;
  const props: Evaluate[] = [];
  for (const prop of access.props) {
    const evaluate = compileToken(prop);
    if (evaluate === undefined) return undefined;
    props.push((context) => toValue(evaluate(context)));
  }
  const variable = access.variable === undefined ? undefined : compileToken(access.variable);
  if (access.variable !== undefined && variable === undefined) return undefined;
  // `a.b.c` and `a["b"]` have constant keys: resolve them once instead of on every render.
  const constantKeys = access.props.every((prop) => 'content' in prop)
    ? access.props.map((prop) => toValue((prop as { content: unknown }).content))
    : undefined;
  return (context) => {
    const keys = constantKeys ?? props.map((prop) => prop(context));
    let value: unknown = variable === undefined ? findScope(context, keys[0]) : variable(context);
    for (let i = 0; i < keys.length; i++) value = context.readProperty(value as object, keys[i] as string);
    return value;
  };
}

function compileExpression(postfix: Token[], liquid: Liquid): Evaluate | undefined {
  const steps: ({ operand: Evaluate } | { operator: string })[] = [];
  for (const token of postfix) {
    if (TypeGuards.isOperatorToken(token)) {
      steps.push({ operator: token.operator });
      continue;
    }
    const operand = compileToken(token);
    if (operand === undefined) return undefined;
    steps.push({ operand });
  }
  const first = steps[0];
  if (steps.length === 1 && first !== undefined && 'operand' in first) return first.operand;
  const operators = liquid.options.operators as Record<string, (...args: unknown[]) => unknown>;
  return (context) => {
    const operands: unknown[] = [];
    for (const step of steps) {
      if ('operand' in step) {
        operands.push(step.operand(context));
        continue;
      }
      const right = operands.pop();
      const operator = operators[step.operator];
      if (operator === undefined) throw new Error(`unknown operator ${step.operator}`);
      operands.push(
        settle(
          UNARY_OPERATORS.has(step.operator)
            ? operator(right, context)
            : operator(operands.pop(), right, context),
        ),
      );
    }
    return operands[0];
  };
}

function compileValue(value: ValueLike, liquid: Liquid): Evaluate | undefined {
  const initial = compileExpression(value.initial.postfix, liquid);
  if (initial === undefined) return undefined;
  const filters: ((context: Context, input: unknown) => unknown)[] = [];
  for (const filter of value.filters) {
    const args: ((context: Context) => unknown)[] = [];
    for (const arg of filter.args) {
      const evaluate = compileToken(Array.isArray(arg) ? arg[1] : arg);
      if (evaluate === undefined) return undefined;
      args.push(Array.isArray(arg) ? (context) => [arg[0], evaluate(context)] : evaluate);
    }
    const { handler, token } = filter;
    filters.push(
      args.length === 0
        ? (context, input) => settle(handler.call({ context, token, liquid }, input))
        : (context, input) =>
            settle(handler.apply({ context, token, liquid }, [input, ...args.map((arg) => arg(context))])),
    );
  }
  if (filters.length === 0) return initial;
  return (context) => {
    let result = initial(context);
    for (let i = 0; i < filters.length; i++)
      result = (filters[i] as (typeof filters)[number])(context, result);
    return result;
  };
}

/** Liquid wraps non-Liquid errors with the failing template's position; so do we. */
function positioned(render: CompiledRender, template: Template): CompiledRender {
  return (context, emitter) => {
    try {
      render(context, emitter);
    } catch (error) {
      throw LiquidError.is(error) ? error : new RenderError(error as Error, template);
    }
  };
}

function compileNode(template: Template, liquid: Liquid): CompiledRender | undefined {
  if (template.token.kind === TokenKind.HTML) {
    const text = (template as unknown as { str: string }).str;
    return (_context, emitter) => emitter.write(text);
  }
  if (template instanceof Output) {
    const value = compileValue(template.value as unknown as ValueLike, liquid);
    return value && positioned((context, emitter) => emitter.write(toValue(value(context))), template);
  }
  if (template instanceof IfTag) return compileIf(template, liquid);
  if (template instanceof ForTag) return compileFor(template, liquid);
  return undefined;
}

function compileIf(tag: IfTag, liquid: Liquid): CompiledRender | undefined {
  const branches: { test: Evaluate; body: CompiledRender }[] = [];
  for (const branch of tag.branches) {
    const test = compileValue(branch.value as unknown as ValueLike, liquid);
    const body = compileTemplates(branch.templates, liquid);
    if (test === undefined || body === undefined) return undefined;
    branches.push({ test, body });
  }
  const otherwise = compileTemplates(tag.elseTemplates ?? [], liquid);
  if (otherwise === undefined) return undefined;
  return positioned((context, emitter) => {
    for (const branch of branches) {
      if (isTruthy(toValue(branch.test(context)), context)) {
        branch.body(context, emitter);
        return;
      }
    }
    otherwise(context, emitter);
  }, tag);
}

function compileFor(tag: ForTag, liquid: Liquid): CompiledRender | undefined {
  // Modifiers (limit, offset, reversed) and `offset: continue` registers stay with Liquid.
  if (Object.keys(tag.hash.hash).length > 0) return undefined;
  const collection = compileToken(tag.collection as Token);
  const body = compileTemplates(tag.templates, liquid);
  const otherwise = compileTemplates(tag.elseTemplates, liquid);
  if (collection === undefined || body === undefined || otherwise === undefined) return undefined;
  const name = `${tag.variable}-${tag.collection.getText()}`;
  const variable = tag.variable;
  return positioned((context, emitter) => {
    const items = toEnumerable(collection(context));
    if (items.length === 0) {
      otherwise(context, emitter);
      return;
    }
    const forloop = new ForloopDrop(items.length, name);
    const scope = Object.create(null) as Record<string, unknown>;
    scope.forloop = forloop;
    context.push(scope);
    for (const item of items) {
      scope[variable] = item;
      body(context, emitter);
      forloop.next();
    }
    context.pop();
  }, tag);
}

/** A list of templates, checking the render-time budget before each, as Liquid's renderer does. */
export function compileTemplates(templates: readonly Template[], liquid: Liquid): CompiledRender | undefined {
  const nodes: CompiledRender[] = [];
  for (const template of templates) {
    const node = compileNode(template, liquid);
    if (node === undefined) return undefined;
    nodes.push(node);
  }
  return (context, emitter) => {
    context.renderLimit.check(performance.now());
    for (const node of nodes) node(context, emitter);
  };
}
