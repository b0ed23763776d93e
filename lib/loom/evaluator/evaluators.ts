import Ajv, { type ErrorObject } from 'ajv';
import { type Input, LoomError, type MicroDollars, type Usage } from '../core';
import type { LLMJudge } from './judge';
import {
  type EvaluatorConfig,
  type EvaluatorKind,
  evaluatorNameOf,
  type Suite,
  type TestCase,
} from './suite';

export interface Verdict {
  /** In [0, 1]. */
  score: number;
  pass: boolean;
  reason: string;
}

/** What one evaluator concluded about one output; judges add their spread and cost. */
export interface EvaluatorOutcome extends Verdict {
  scores?: number[];
  stddev?: number;
  usage?: Usage;
  costMicros?: MicroDollars;
  /** The judge's model has no price: its cost is unknown, not zero. */
  unpriced?: boolean;
  /** A judge's replies as written. */
  rawReply?: string;
}

/** One judge for every llmJudge evaluator, or one per evaluator (by its result name). */
export type JudgeSource = LLMJudge | ((evaluatorName: string) => LLMJudge | undefined);

export interface CompiledEvaluator {
  name: string;
  kind: EvaluatorKind;
  evaluate(request: { output: string; testCase: TestCase; signal?: AbortSignal }): Promise<EvaluatorOutcome>;
}

/** Most schemas report every violation; the first few say enough. */
const MAX_SCHEMA_ERRORS = 5;

function invalidEvaluator(name: string, path: string, message: string): LoomError {
  return new LoomError('INVALID_INPUT', `Evaluator "${name}": ${message}`, {
    evaluator: name,
    issues: [{ path, message }],
  });
}

function verdict(pass: boolean, reason: string): Verdict {
  return { score: pass ? 1 : 0, pass, reason };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** Removes one surrounding Markdown code fence (```json ... ```), if that is all there is. */
function stripCodeFence(text: string): string {
  const match = /^\s*```[\w-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return match?.[1] ?? text;
}

function parseJson(
  text: string,
  allowCodeFence: boolean,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(allowCodeFence ? stripCodeFence(text) : text) };
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function formatSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? [])
    .slice(0, MAX_SCHEMA_ERRORS)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
  return `does not match the schema: ${list.join('; ')}`;
}

/**
 * Builds each evaluator of a suite once: regexes and JSON schemas are compiled here so a bad one
 * fails the run before any output is paid for, and so a schema is compiled once per suite, not per case.
 */
export function compileEvaluators(suite: Suite, deps: { judge?: JudgeSource } = {}): CompiledEvaluator[] {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
  return suite.evaluators.map((config, index) => {
    const name = evaluatorNameOf(config, index, suite.evaluators);
    const path = `evaluators.${index}`;
    const judge =
      config.kind === 'llmJudge' && typeof deps.judge === 'function' ? deps.judge(name) : deps.judge;
    return {
      name,
      kind: config.kind,
      evaluate: build(config, name, path, ajv, typeof judge === 'function' ? undefined : judge),
    };
  });
}

function build(
  config: EvaluatorConfig,
  name: string,
  path: string,
  ajv: Ajv,
  judge: LLMJudge | undefined,
): CompiledEvaluator['evaluate'] {
  switch (config.kind) {
    case 'exactMatch': {
      const normalise = (s: string): string => {
        const trimmed = config.trim ? s.trim() : s;
        return config.ignoreCase ? trimmed.toLocaleLowerCase() : trimmed;
      };
      return async ({ output, testCase }) => {
        const expected = config.value ?? testCase.expected ?? '';
        return normalise(output) === normalise(expected)
          ? verdict(true, 'matches the expected text')
          : verdict(false, `expected ${quote(expected)}, got ${quote(output)}`);
      };
    }
    case 'contains': {
      const fold = (s: string): string => (config.ignoreCase ? s.toLocaleLowerCase() : s);
      return async ({ output, testCase }) => {
        const haystack = fold(output);
        const allOf = config.allOf ?? (config.anyOf ? [] : [testCase.expected ?? '']);
        const missing = allOf.filter((needle) => !haystack.includes(fold(needle)));
        const anyFound = config.anyOf ? config.anyOf.some((needle) => haystack.includes(fold(needle))) : true;
        const checks = allOf.length + (config.anyOf ? 1 : 0);
        const passed = allOf.length - missing.length + (config.anyOf && anyFound ? 1 : 0);
        const reasons = [
          ...(missing.length > 0 ? [`missing ${missing.map(quote).join(', ')}`] : []),
          ...(anyFound ? [] : [`none of ${(config.anyOf ?? []).map(quote).join(', ')}`]),
        ];
        const pass = reasons.length === 0;
        return {
          score: passed / checks,
          pass,
          reason: pass ? 'contains everything required' : reasons.join('; '),
        };
      };
    }
    case 'regex': {
      let pattern: RegExp;
      try {
        pattern = new RegExp(config.pattern, config.flags);
      } catch (error) {
        throw invalidEvaluator(
          name,
          `${path}.pattern`,
          `invalid regular expression: ${(error as Error).message}`,
        );
      }
      return async ({ output }) => {
        const matched = pattern.test(output);
        const pass = matched !== config.negate;
        return verdict(pass, `${matched ? 'matches' : 'does not match'} /${config.pattern}/${config.flags}`);
      };
    }
    case 'validJson':
      return async ({ output }) => {
        const parsed = parseJson(output, config.allowCodeFence);
        return parsed.ok ? verdict(true, 'valid JSON') : verdict(false, parsed.reason);
      };
    case 'jsonSchema': {
      let validate: ReturnType<Ajv['compile']>;
      try {
        validate = ajv.compile(config.schema);
      } catch (error) {
        throw invalidEvaluator(name, `${path}.schema`, `invalid JSON Schema: ${(error as Error).message}`);
      }
      return async ({ output }) => {
        const parsed = parseJson(output, config.allowCodeFence);
        if (!parsed.ok) return verdict(false, parsed.reason);
        return validate(parsed.value)
          ? verdict(true, 'matches the schema')
          : verdict(false, formatSchemaErrors(validate.errors));
      };
    }
    case 'llmJudge': {
      if (!judge)
        throw invalidEvaluator(
          name,
          path,
          'an llmJudge evaluator needs a judge (createLLMJudge) in the run options',
        );
      return async ({ output, testCase, signal }) =>
        judge.judge({
          input: testCase.input as Input,
          expected: testCase.expected,
          actual: output,
          rubric: config.rubric,
          threshold: config.threshold,
          samples: config.samples,
          signal,
        });
    }
  }
}
