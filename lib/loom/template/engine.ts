import { Context, Liquid, toValueSync, type Emitter } from 'liquidjs';
import {
  compileInputValidator,
  LoomError,
  throwIfAborted,
  type Input,
  type InputValidator,
  type Message,
  type PromptData,
  type Rendered,
  type Renderer,
  type Variable,
} from '../core';
import { analyzeTemplate, type TemplateAnalysis } from './analyze';
import { TemplateCompiler, type CompiledTemplate, type Interpolation } from './compile';
import { deadlineAfter, type Deadline } from './deadline';
import { OutputLimitError, toLoomError } from './errors';
import { DEFAULT_TEMPLATE_LIMITS, type TemplateLimits } from './limits';
import { toOutputString } from './output';

export interface TemplateEngineOptions {
  limits?: Partial<TemplateLimits>;
  /** Parsed templates kept in the LRU cache, at most. */
  cacheSize?: number;
  /** Estimated bytes the parsed-template cache may hold (source and parsed form), at most. */
  cacheBytes?: number;
  /**
   * Precompiled interpolation and closure fast paths (default true). Output is identical either
   * way; turning them off runs everything through Liquid, for differential tests and debugging.
   */
  fastPaths?: boolean;
}

export interface TemplateWorkOptions {
  /**
   * When the work must be done (see `deadlineAfter`); a request making several calls passes them
   * one deadline. Default: `limits.maxRenderMs` from the start of the call.
   */
  deadline?: Deadline;
}

export interface TemplateRenderOptions extends TemplateWorkOptions {
  signal?: AbortSignal;
}

export interface TemplateAnalyzeOptions extends TemplateWorkOptions {
  /** Names the template in messages (`system`, `user`); default `template`. */
  name?: string;
}

export interface TemplateEngine extends Renderer {
  render(prompt: PromptData, input: Input, options?: TemplateRenderOptions): Promise<Rendered>;
  /** Static analysis for the editor; never throws for template problems, it reports them. */
  analyze(
    template: string,
    variables?: readonly Variable[],
    options?: TemplateAnalyzeOptions,
  ): TemplateAnalysis;
}

/** Tags that read files or other templates: prompts are self-contained, so they do not exist here. */
const FILE_TAGS = ['include', 'render', 'layout', 'block'];
const DEFAULT_CACHE_SIZE = 500;
/** A parsed template of the maximum size weighs about 40 MB; ordinary ones (2 KB) about 300 KB. */
const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;

interface VariablePlan {
  validate: InputValidator;
  declared: ReadonlySet<string>;
}

interface PromptPlan extends VariablePlan {
  system: CompiledTemplate;
  user: CompiledTemplate;
  /** Rendered example turns (frozen), filled on the first render. */
  examples: readonly Message[] | undefined;
  examplesLength: number;
}

/** Shared by every template of one prompt render: the limits apply to the render as a whole. */
interface Budget {
  outputLeft: number;
  readonly maxOutput: number;
  readonly deadline: Deadline;
  limiters: { memoryLimit: Context['memoryLimit']; renderLimit: Context['renderLimit'] } | undefined;
}

class CappedEmitter implements Emitter {
  buffer = '';

  constructor(private readonly budget: Budget) {}

  write(html: unknown): void {
    const text = toOutputString(html);
    this.budget.outputLeft -= text.length;
    if (this.budget.outputLeft < 0) throw new OutputLimitError(this.budget.maxOutput);
    this.buffer += text;
  }
}

function newSandbox(limits: TemplateLimits): Liquid {
  const liquid = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    templates: {},
    outputEscape: toOutputString,
    parseLimit: limits.maxSourceLength,
    renderLimit: limits.maxRenderMs,
    memoryLimit: limits.maxMemory,
  });
  for (const tag of FILE_TAGS) delete liquid.tags[tag];
  return liquid;
}

/**
 * What Liquid's lookup (with ownPropertyOnly) returns for validated input, which is JSON data: no
 * functions to call, no drops, so a path of plain keys is a chain of own-property reads.
 */
function readOwnPath(values: Record<string, unknown>, piece: Interpolation): unknown {
  let value: unknown = Object.hasOwn(values, piece.root) ? values[piece.root] : undefined;
  for (const key of piece.path) {
    if (value === null || value === undefined) return value;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

class LiquidTemplateEngine implements TemplateEngine {
  private readonly limits: TemplateLimits;
  private readonly liquid: Liquid;
  private readonly compiler: TemplateCompiler;
  /** Liquid's own property lookup, so the fast path reads values exactly as Liquid does. */
  private readonly lookup: Context;
  /** Validation plans per frozen variable list (Prompt data is frozen, so the list is the identity). */
  private readonly plans = new WeakMap<readonly Variable[], VariablePlan>();
  /** Compiled templates and example turns per frozen prompt. */
  private readonly promptPlans = new WeakMap<PromptData, PromptPlan>();

  constructor(options: TemplateEngineOptions) {
    this.limits = { ...DEFAULT_TEMPLATE_LIMITS, ...options.limits };
    this.liquid = newSandbox(this.limits);
    this.compiler = new TemplateCompiler(
      this.liquid,
      this.limits,
      {
        maxEntries: options.cacheSize ?? DEFAULT_CACHE_SIZE,
        maxBytes: options.cacheBytes ?? DEFAULT_CACHE_BYTES,
      },
      options.fastPaths ?? true,
    );
    this.lookup = new Context({}, this.liquid.options);
  }

  render(prompt: PromptData, input: Input, options: TemplateRenderOptions = {}): Promise<Rendered> {
    // Rendering is synchronous work; settle the promise directly rather than through an async frame.
    try {
      const deadline = options.deadline ?? deadlineAfter(this.limits.maxRenderMs);
      return Promise.resolve(this.renderNow(prompt, input, options.signal, deadline));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private renderNow(
    prompt: PromptData,
    input: Input,
    signal: AbortSignal | undefined,
    deadline: Deadline,
  ): Rendered {
    throwIfAborted(signal);
    const plan = this.promptPlanFor(prompt, deadline);
    const values = plan.validate(input);
    const budget: Budget = {
      outputLeft: this.limits.maxOutputLength,
      maxOutput: this.limits.maxOutputLength,
      deadline,
      limiters: undefined,
    };
    const systemText = this.run(plan.system, values, budget, 'system');
    throwIfAborted(signal);
    const examples = this.examplesFor(prompt, plan, budget);
    throwIfAborted(signal);
    const userText = this.run(plan.user, values, budget, 'user');
    const messages: Message[] = systemText === '' ? [] : [{ role: 'system', content: systemText }];
    for (const turn of examples) messages.push(turn);
    messages.push({ role: 'user', content: userText });
    return { system: systemText, user: userText, messages, variables: values };
  }

  analyze(
    template: string,
    variables?: readonly Variable[],
    options: TemplateAnalyzeOptions = {},
  ): TemplateAnalysis {
    const deadline = options.deadline ?? deadlineAfter(this.limits.maxRenderMs);
    return analyzeTemplate(
      () => this.compiler.compile(template, options.name ?? 'template', deadline),
      variables,
    );
  }

  private variablePlanFor(variables: readonly Variable[]): VariablePlan {
    const cached = this.plans.get(variables);
    if (cached !== undefined) return cached;
    const plan = {
      validate: compileInputValidator(variables),
      declared: new Set(variables.map((v) => v.name)),
    };
    if (Object.isFrozen(variables)) this.plans.set(variables, plan);
    return plan;
  }

  /** Everything about a prompt that does not depend on the input, computed once per frozen prompt. */
  private promptPlanFor(prompt: PromptData, deadline: Deadline): PromptPlan {
    const cached = this.promptPlans.get(prompt);
    if (cached !== undefined) return cached;
    const variables = this.variablePlanFor(prompt.variables);
    const system = this.compiler.compile(prompt.system, 'system', deadline);
    const user = this.compiler.compile(prompt.user, 'user', deadline);
    this.assertNoUndeclared(variables.declared, [system, user]);
    const plan: PromptPlan = { ...variables, system, user, examples: undefined, examplesLength: 0 };
    if (Object.isFrozen(prompt)) this.promptPlans.set(prompt, plan);
    return plan;
  }

  /** Undeclared names can never be supplied (validation rejects unknown input), so fail loudly now. */
  private assertNoUndeclared(declared: ReadonlySet<string>, templates: readonly CompiledTemplate[]): void {
    const missing = new Map<string, { line: number; column: number }>();
    for (const template of templates) {
      for (const [name, offsets] of template.uses) {
        const first = offsets[0];
        if (!declared.has(name) && !missing.has(name) && first !== undefined)
          missing.set(name, template.lines.positionOf(first));
      }
    }
    if (missing.size === 0) return;
    const names = [...missing.keys()];
    throw new LoomError('MISSING_VARIABLES', `The template uses undeclared variables: ${names.join(', ')}`, {
      missing: names,
      issues: [...missing].map(([name, position]) => ({
        variable: name,
        ...position,
        message: `"${name}" is used in the template but not declared`,
      })),
    });
  }

  /** Example turns depend only on the prompt, so a frozen prompt renders them once. */
  private examplesFor(prompt: PromptData, plan: PromptPlan, budget: Budget): readonly Message[] {
    if (plan.examples !== undefined) {
      budget.outputLeft -= plan.examplesLength;
      if (budget.outputLeft < 0)
        throw toLoomError(new OutputLimitError(budget.maxOutput), 'examples', 'render');
      return plan.examples;
    }
    const turns = prompt.examples.flatMap((example, index): Message[] => {
      let values: Record<string, unknown>;
      try {
        values = plan.validate(example.input);
      } catch (error) {
        if (!(error instanceof LoomError)) throw error;
        const issues = (error.details.issues ?? []).map((issue) => ({
          ...issue,
          path: `examples.${index}.input.${issue.path ?? ''}`,
        }));
        throw new LoomError(error.code, `Example ${index + 1}: ${error.message}`, {
          ...error.details,
          issues,
        });
      }
      return [
        Object.freeze({
          role: 'user' as const,
          content: this.run(plan.user, values, budget, `examples.${index}`),
        }),
        Object.freeze({ role: 'assistant' as const, content: example.output }),
      ];
    });
    plan.examples = turns;
    plan.examplesLength = turns.reduce((sum, turn) => sum + turn.content.length, 0);
    return turns;
  }

  private run(
    template: CompiledTemplate,
    values: Record<string, unknown>,
    budget: Budget,
    name: string,
  ): string {
    const text =
      template.pieces !== undefined
        ? this.interpolate(template.pieces, values)
        : this.runLiquid(template, values, budget, name);
    if (template.pieces !== undefined) {
      budget.outputLeft -= text.length;
      if (budget.outputLeft < 0) throw toLoomError(new OutputLimitError(budget.maxOutput), name, 'render');
    }
    return text;
  }

  private interpolate(pieces: readonly (string | Interpolation)[], values: Record<string, unknown>): string {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        out += piece;
        continue;
      }
      out += toOutputString(
        piece.isPlainLookup ? readOwnPath(values, piece) : this.readLiquidPath(values, piece),
      );
    }
    return out;
  }

  /** Liquid's own property lookup, for paths using its computed properties (size, first, last). */
  private readLiquidPath(values: Record<string, unknown>, piece: Interpolation): unknown {
    // Liquid falls back to its (empty) globals when no scope has the root.
    let value: unknown = this.lookup.readProperty(piece.root in values ? values : {}, piece.root);
    for (const key of piece.path) value = this.lookup.readProperty(value as object, key);
    return value;
  }

  private runLiquid(
    template: CompiledTemplate,
    values: Record<string, unknown>,
    budget: Budget,
    name: string,
  ): string {
    // Plain Liquid gets a copy: {% increment %} writes into it and must not leak into the result.
    // Closures never write to it (they do not compile increment).
    const scope =
      template.closure !== undefined
        ? values
        : Object.assign(Object.create(null) as Record<string, unknown>, values);
    // The first context sets Liquid's render limit to the call's deadline; later ones share it.
    const context = new Context(
      scope,
      this.liquid.options,
      { sync: true, renderLimit: budget.deadline.at - performance.now() },
      { ...budget.limiters, liquid: this.liquid },
    );
    budget.limiters ??= { memoryLimit: context.memoryLimit, renderLimit: context.renderLimit };
    const emitter = new CappedEmitter(budget);
    try {
      if (template.closure !== undefined) template.closure(context, emitter);
      else toValueSync(this.liquid.renderer.renderTemplates(template.liquid ?? [], context, emitter));
    } catch (error) {
      throw toLoomError(error, name, 'render', budget.deadline);
    }
    return emitter.buffer;
  }
}

/** The default Renderer: sandboxed Liquid with a precompiled fast path for plain interpolation. */
export function createTemplateEngine(options: TemplateEngineOptions = {}): TemplateEngine {
  return new LiquidTemplateEngine(options);
}
