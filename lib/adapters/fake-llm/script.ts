// No `import 'server-only'` here: the simulator CLI runs this under plain tsx/node, where
// server-only throws (it only resolves to an empty module under the react-server condition).
// index.ts is the server-only face for the app.

export interface FakeModel {
  id: string;
  contextWindow: number;
  /** Ollama architecture name used in /api/show `model_info`. */
  family: string;
  ownedBy: string;
}

export interface FakeMessage {
  role: string;
  content: string;
}

export interface ReplyContext {
  api: 'openai' | 'ollama';
  model: string;
  messages: FakeMessage[];
  lastUser: string;
}

/** A scripted failure. `afterChunks` applies to streams (default 1); without streaming it hits at once. */
export type FakeFault =
  | { kind: 'status'; status: number; message?: string; code?: string; retryAfterSec?: number }
  | { kind: 'rate-limit'; retryAfterSec?: number }
  | { kind: 'malformed-chunk'; afterChunks?: number }
  | { kind: 'drop-connection'; afterChunks?: number }
  /** A 200 carrying a web page, as from a base URL that points at a website or a login proxy. */
  | { kind: 'html'; status?: number }
  /** A 200 with an empty body (and a JSON content type), as from a misbehaving gateway. */
  | { kind: 'empty' };

export interface FakeJudgement {
  score: number;
  verdict?: 'PASS' | 'FAIL';
  reason?: string;
}

/** When `model`/`content`/`api` match (all given ones must), this rule shapes the answer. */
export interface FakeLlmRule {
  model?: string | RegExp;
  /** Matched against the last user message; a string matches as a substring. */
  content?: string | RegExp;
  api?: 'openai' | 'ollama';
  /** Any other test on the whole call (e.g. the system message); must return true too. */
  match?: (context: ReplyContext) => boolean;
  reply?: string | ((context: ReplyContext) => string);
  /** Answers like an LLM judge: `SCORE: 0.8`, `PASS`/`FAIL`, `REASON: ...` lines. */
  judge?: FakeJudgement;
  /** Delay before the answer: fixed, or computed per call (e.g. from the message, to stay deterministic). */
  latencyMs?: number | ((context: ReplyContext) => number);
  chunkDelayMs?: number;
  fault?: FakeFault;
  /** Applies to the next N matching calls, then the rule is removed. Unlimited when absent. */
  times?: number;
}

export interface FakeLlmScript {
  rules?: FakeLlmRule[];
  models?: FakeModel[];
  /** Delay before every answer unless a rule says otherwise. */
  latencyMs?: number;
  /** Delay between streamed chunks unless a rule says otherwise. */
  chunkDelayMs?: number;
}

export const DEFAULT_FAKE_MODELS: FakeModel[] = [
  { id: 'gpt-4o-mini', contextWindow: 128_000, family: 'gpt', ownedBy: 'openai' },
  { id: 'gpt-4o', contextWindow: 128_000, family: 'gpt', ownedBy: 'openai' },
  { id: 'llama3.2', contextWindow: 131_072, family: 'llama', ownedBy: 'library' },
  { id: 'qwen2.5:7b', contextWindow: 32_768, family: 'qwen2', ownedBy: 'library' },
];

/** Deterministic token count: whitespace-separated words. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Words with their trailing whitespace, so the chunks join back to the exact text. */
export function splitChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function defaultReply(context: ReplyContext): string {
  const asked = context.lastUser.replace(/\s+/g, ' ').trim();
  return `Simulated reply to: ${asked.length > 200 ? `${asked.slice(0, 200)}…` : asked}`;
}

export function judgeReply(judgement: FakeJudgement): string {
  const verdict = judgement.verdict ?? (judgement.score >= 0.5 ? 'PASS' : 'FAIL');
  return `SCORE: ${judgement.score}\n${verdict}\nREASON: ${judgement.reason ?? 'simulated judgement'}`;
}

const matches = (pattern: string | RegExp | undefined, value: string) =>
  pattern === undefined || (typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value));

/** Picks the first matching rule and consumes one of its `times`. */
export function takeRule(rules: FakeLlmRule[], context: ReplyContext): FakeLlmRule | undefined {
  const index = rules.findIndex(
    (rule) =>
      (rule.api === undefined || rule.api === context.api) &&
      matches(rule.model, context.model) &&
      matches(rule.content, context.lastUser) &&
      (rule.match === undefined || rule.match(context)),
  );
  const rule = rules[index];
  if (!rule) return undefined;
  if (rule.times !== undefined) {
    rule.times -= 1;
    if (rule.times <= 0) rules.splice(index, 1);
  }
  return rule;
}

/** The delay a rule asks for this call, else the script's default. */
export function latencyFor(
  rule: FakeLlmRule | undefined,
  context: ReplyContext,
  fallback: number | undefined,
): number {
  const latency = rule?.latencyMs;
  return (typeof latency === 'function' ? latency(context) : latency) ?? fallback ?? 0;
}

export function replyFor(rule: FakeLlmRule | undefined, context: ReplyContext): string {
  if (rule?.judge) return judgeReply(rule.judge);
  if (typeof rule?.reply === 'function') return rule.reply(context);
  if (typeof rule?.reply === 'string') return rule.reply;
  return defaultReply(context);
}
