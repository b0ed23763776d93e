import { type Input, LoomError, type MicroDollars, type PromptDataInput, type Usage } from '../core';
import { callExecutor, type ExecutorBinding, isExecutorBinding, isRenderable } from '../chain';
import type { Renderable } from '../executor';
import { type ParsedJudgement, parseJudgeOutput } from './judge-reply';
import { mean, stddev } from './stats';
import { MAX_JUDGE_SAMPLES } from './suite';

export { parseJudgeOutput, type ParsedJudgement };

export const DEFAULT_JUDGE_RUBRIC =
  'The response answers the input correctly and completely, agrees with the expected answer when one is ' +
  'given, and contains nothing false or irrelevant.';

/**
 * The default judge prompt. Its variables are `rubric`, `input` (JSON), `expected` and `actual`; the
 * composition root turns it into a Prompt with the template engine, and may replace it entirely.
 */
export const JUDGE_PROMPT_DATA: PromptDataInput = {
  id: 'loom-llm-judge',
  version: 0,
  name: 'LLM judge',
  description: 'Scores a response against a rubric; its reply is parsed by parseJudgeOutput.',
  system:
    'You are a strict, impartial evaluator. Judge only against the rubric. Reply with three lines:\n' +
    'SCORE: <integer 0-10>/10\nVERDICT: PASS or FAIL\nREASON: <one or two sentences>',
  user: 'Rubric:\n{{ rubric }}\n\nInput:\n{{ input }}\n\nExpected answer:\n{{ expected }}\n\nResponse to judge:\n{{ actual }}',
  variables: [
    { name: 'rubric', type: 'string', required: true },
    { name: 'input', type: 'string', required: false, default: '{}' },
    { name: 'expected', type: 'string', required: false, default: '(none given)' },
    { name: 'actual', type: 'string', required: true },
  ],
  model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 },
};

export interface JudgeRequest {
  input: Input;
  expected?: string;
  actual: string;
  rubric?: string;
  threshold?: number;
  samples?: number;
  signal?: AbortSignal;
}

export interface Judgement extends ParsedJudgement {
  /** Each sample's normalised score. */
  scores: number[];
  /** Sample standard deviation of `scores`; 0 for one sample. */
  stddev: number;
  usage: Usage;
  /** What the samples with a known price cost. */
  costMicros: MicroDollars;
  /** Set when some sample's model has no price: `costMicros` then undercounts (unknown is not free). */
  unpriced?: boolean;
  /** The judge's replies as written (samples separated by a line `---`), so a verdict can be checked. */
  rawReply: string;
}

export interface LLMJudge {
  judge(request: JudgeRequest): Promise<Judgement>;
}

export interface LLMJudgeOptions {
  executor: ExecutorBinding;
  /** A prompt with the variables of JUDGE_PROMPT_DATA (or the same names). */
  prompt: Renderable;
  rubric?: string;
  threshold?: number;
  samples?: number;
}

function checkSamples(samples: number): void {
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_JUDGE_SAMPLES) {
    throw new LoomError('INVALID_INPUT', `Judge samples must be an integer from 1 to ${MAX_JUDGE_SAMPLES}`, {
      issues: [{ path: 'samples', message: String(samples) }],
    });
  }
}

/**
 * An LLM judge that calls the executor with its prompt. With k samples, the score is their mean and
 * the case passes when most samples pass; one unreadable sample makes the whole judgement an error.
 */
export function createLLMJudge(options: LLMJudgeOptions): LLMJudge {
  const issues = [
    ...(isExecutorBinding(options?.executor)
      ? []
      : [{ path: 'executor', message: 'expected { provider, settings?, execute? }' }]),
    ...(isRenderable(options?.prompt) ? [] : [{ path: 'prompt', message: 'a Prompt with a renderer' }]),
  ];
  if (issues.length > 0) throw new LoomError('INVALID_INPUT', 'Invalid LLM judge options', { issues });
  checkSamples(options.samples ?? 1);
  const { executor, prompt } = options;

  return {
    async judge(request) {
      const samples = request.samples ?? options.samples ?? 1;
      checkSamples(samples);
      const threshold = request.threshold ?? options.threshold ?? 0.7;
      const variables: Input = {
        rubric: request.rubric ?? options.rubric ?? DEFAULT_JUDGE_RUBRIC,
        input: JSON.stringify(request.input ?? {}, null, 2),
        expected: request.expected ?? '(none given)',
        actual: request.actual,
      };
      const settled = await Promise.allSettled(
        Array.from({ length: samples }, () => callExecutor(executor, prompt, variables, request.signal)),
      );
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      // Paid for even when unreadable: a JUDGE_ERROR carries the spend so run totals stay true.
      const usage = results.reduce<Usage>(
        (sum, r) => ({
          inputTokens: sum.inputTokens + r.usage.inputTokens,
          outputTokens: sum.outputTokens + r.usage.outputTokens,
        }),
        { inputTokens: 0, outputTokens: 0 },
      );
      const costMicros = results.reduce((sum, r) => sum + (r.costMicros ?? 0), 0);
      const unpriced = results.some((r) => r.costMicros === undefined);
      const parsed = results.map((r, sample) => {
        try {
          return parseJudgeOutput(r.output, { threshold });
        } catch (error) {
          if (error instanceof LoomError) {
            throw new LoomError(error.code, error.message, {
              ...error.details,
              sample,
              usage,
              costMicros,
              ...(unpriced ? { unpriced } : {}),
            });
          }
          throw error;
        }
      });
      const scores = parsed.map((p) => p.score);
      return {
        score: mean(scores),
        pass: parsed.filter((p) => p.pass).length * 2 > parsed.length,
        reason: parsed.map((p) => p.reason).join(parsed.length > 1 ? '\n---\n' : ''),
        scores,
        stddev: stddev(scores),
        usage,
        costMicros,
        ...(unpriced ? { unpriced } : {}),
        rawReply: results.map((r) => r.output).join('\n---\n'),
      };
    },
  };
}
