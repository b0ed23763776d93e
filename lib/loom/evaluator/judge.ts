import { type Input, LoomError, type MicroDollars, type PromptDataInput, type Usage } from '../core';
import { callExecutor, type ExecutorBinding, isExecutorBinding, isRenderable } from '../chain';
import type { Renderable } from '../executor';
import { mean, stddev } from './stats';
import { MAX_JUDGE_SAMPLES } from './suite';

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

export interface ParsedJudgement {
  /** Normalised to [0, 1]. */
  score: number;
  pass: boolean;
  reason: string;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const DENOMINATOR = String.raw`(?:\s*\**\s*(%|(?:/|out\s+of)\s*\**\s*${NUMBER}))?`;
const SCORE_WORD = String.raw`(?:score|rating|rated|grade)`;
/** A line that is the score: "Score: 8/10", "**Final score** - 0.8", "Rating = 7 out of 10". */
const SCORE_LINE = new RegExp(
  String.raw`^[\s*#>_\-]*(?:final\s+|overall\s+)?${SCORE_WORD}\b[^\d\n]{0,40}?${NUMBER}${DENOMINATOR}`,
  'gim',
);
/** A score inside a sentence: "I would give it a score of 7 out of 10". */
const SCORE_MENTION = new RegExp(String.raw`\b${SCORE_WORD}\b[^\d\n.]{0,40}?${NUMBER}${DENOMINATOR}`, 'gi');
/** A bare fraction anywhere: "8/10", "7 out of 10". */
const FRACTION = new RegExp(String.raw`\b${NUMBER}\s*(?:/|out\s+of)\s*${NUMBER}\b`, 'gi');

const VERDICT_WORD = String.raw`(pass(?:ed|es)?|fail(?:ed|s|ure)?)`;
const VERDICT_LABEL = String.raw`(?:final\s+)?(?:verdict|result|decision|judge?ment|outcome|grade)`;
/** A line that is, or starts with, the verdict: "PASS", "**FAIL**", "Verdict: pass", "Fail - wrong city". */
const VERDICT_LINE = new RegExp(
  String.raw`^[\s*#>_\-]*(?:${VERDICT_LABEL}\s*[:=\-–]?\s*)?[*_\`"']*\s*${VERDICT_WORD}\b[*_\`"']*(?:[\s.!]*$|\s*[:\-–]\s)`,
  'gim',
);
/** A labelled verdict inside a sentence: "... so my verdict is: Pass." */
const VERDICT_MENTION = new RegExp(
  String.raw`\b${VERDICT_LABEL}\b\s*(?:is\s*)?[:=\-–]?\s*[*_"']*${VERDICT_WORD}\b`,
  'gi',
);
/** An upper-case PASS/FAIL is a verdict even mid-sentence; lower-case "pass" often is not. */
const VERDICT_SHOUT = /\b(PASS(?:ED)?|FAIL(?:ED)?)\b/g;
const REASON_LINE =
  /^[\s*#>_\-]*(?:reason(?:ing)?|explanation|rationale|justification)\b[\s*_]*[:\-–]\s*([\s\S]+)$/im;

const REASON_LIMIT = 500;

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of text.matchAll(pattern)) last = match as RegExpExecArray;
  return last;
}

/** Puts a score on [0, 1]: "8/10", "80%", or bare (≤1 as is, ≤10 out of 10, ≤100 out of 100). */
function normalise(
  value: number,
  unit: string | undefined,
  denominator: string | undefined,
): number | undefined {
  if (unit === '%') return value <= 100 ? value / 100 : undefined;
  if (denominator !== undefined) {
    const d = Number(denominator);
    return d > 0 && value <= d ? value / d : undefined;
  }
  if (value <= 1) return value;
  if (value <= 10) return value / 10;
  if (value <= 100) return value / 100;
  return undefined;
}

/** `found` with no `value` is a score that cannot be one (12/10): the reply is not to be trusted. */
function findScore(text: string): { found: boolean; value?: number; raw?: string } {
  for (const pattern of [SCORE_LINE, SCORE_MENTION]) {
    const match = lastMatch(pattern, text);
    if (match) {
      const unit = match[2]?.startsWith('%') ? '%' : undefined;
      return { found: true, value: normalise(Number(match[1]), unit, match[3]), raw: match[0] };
    }
  }
  const fraction = lastMatch(FRACTION, text);
  if (!fraction) return { found: false };
  return { found: true, value: normalise(Number(fraction[1]), undefined, fraction[2]), raw: fraction[0] };
}

function findVerdict(text: string): boolean | undefined {
  for (const pattern of [VERDICT_LINE, VERDICT_MENTION, VERDICT_SHOUT]) {
    const match = lastMatch(pattern, text);
    if (match?.[1]) return match[1].toLowerCase().startsWith('pass');
  }
  return undefined;
}

function findReason(text: string): string {
  const labelled = REASON_LINE.exec(text)?.[1]?.trim();
  const reason = labelled || text.trim();
  return reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT)}…` : reason;
}

/**
 * Reads a judge's free-text reply. A pass needs every signal the judge gave to agree: the score (when
 * given) must reach the threshold and the verdict (when given) must be PASS. A verdict alone scores 1 or 0.
 * Neither signal (or an impossible score such as 12/10) is a JUDGE_ERROR, never a pass.
 */
export function parseJudgeOutput(text: string, options: { threshold?: number } = {}): ParsedJudgement {
  const threshold = options.threshold ?? 0.7;
  if (typeof text !== 'string') throw new LoomError('JUDGE_ERROR', 'The judge returned no text');
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new LoomError('INVALID_INPUT', 'Threshold must be in [0, 1]', {
      issues: [{ path: 'threshold', message: String(threshold) }],
    });
  }
  const found = findScore(text);
  const score = found.value;
  const verdict = findVerdict(text);
  if (found.found && score === undefined) {
    throw new LoomError('JUDGE_ERROR', `The judge gave an impossible score: ${found.raw?.trim() ?? ''}`, {
      output: text.slice(0, REASON_LIMIT),
    });
  }
  if (score === undefined && verdict === undefined) {
    throw new LoomError('JUDGE_ERROR', 'Could not find a score or a PASS/FAIL verdict in the judge output', {
      output: text.slice(0, REASON_LIMIT),
    });
  }
  const reason = findReason(text);
  if (score === undefined) return { score: verdict ? 1 : 0, pass: verdict === true, reason };
  return { score, pass: score >= threshold && verdict !== false, reason };
}

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
  costMicros: MicroDollars;
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
      const parsed = results.map((r, sample) => {
        try {
          return parseJudgeOutput(r.output, { threshold });
        } catch (error) {
          if (error instanceof LoomError) {
            throw new LoomError(error.code, error.message, { ...error.details, sample, usage, costMicros });
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
      };
    },
  };
}
