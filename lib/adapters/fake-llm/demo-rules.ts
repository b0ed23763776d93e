// No `import 'server-only'`: scripts/start.mjs loads this under tsx (see script.ts).
//
// How the simulator answers the demo workspace's evaluation (lib/server/db/demo.ts, demo-suite.ts),
// deterministically, so the "Intent routing" suite scores classify-intent's versions differently
// and explainably:
// - a call whose system message asks to classify intent gets a keyword classifier: a naive one
//   (v1's short instruction) that gets 12 of the 20 demo cases right, or, when the system message
//   carries label definitions (v2), a better one that gets 18 right (and every case v1 gets);
// - a call from the `intent-judge` rubric compares its "Expected answer" and "Response to judge"
//   sections and answers SCORE/VERDICT/REASON lines that loom's parseJudgeOutput reads, agreeing
//   with an exact match (trimmed, ignoring case).
// Each answer waits a small delay derived from the message, so a run's progress is visible.
import type { FakeLlmRule, ReplyContext } from './script';

export const DEMO_INTENT_LABELS = ['billing', 'bug', 'feature-request', 'other'] as const;
export type DemoIntentLabel = (typeof DEMO_INTENT_LABELS)[number];

interface KeywordRule {
  label: DemoIntentLabel;
  pattern: RegExp;
}

/** v1: the label names and a few obvious words, tried in this order; anything else is "other". */
const NAIVE_RULES: KeywordRule[] = [
  { label: 'billing', pattern: /\b(?:bill|billing|billed|charge|charged|refund)\b/i },
  { label: 'bug', pattern: /\b(?:bug|crash|crashes|crashed|error)\b/i },
  { label: 'feature-request', pattern: /\b(?:feature|add)\b/i },
];

/**
 * v2, following its definitions: a malfunction is a bug even on a billing page (so bugs are tried
 * first), money words of every kind are billing, and a wish phrased as a question is a request.
 */
const DEFINITION_RULES: KeywordRule[] = [
  {
    label: 'bug',
    pattern:
      /\b(?:bug|crash\w*|errors?|broken|froze|freez\w*|stuck|does nothing|not working|doesn't work|won't load|fails?|failed)\b/i,
  },
  {
    label: 'billing',
    pattern: /\b(?:bill\w*|charge\w*|refund\w*|invoice\w*|receipts?|payments?|card|subscriptions?|vat)\b/i,
  },
  {
    label: 'feature-request',
    pattern:
      /\b(?:please add|can you add|could you (?:add|support)|would be (?:great|nice)|would love|wish|feature)\b/i,
  },
];

function classify(rules: KeywordRule[], text: string): DemoIntentLabel {
  return rules.find((rule) => rule.pattern.test(text))?.label ?? 'other';
}

/** How the simulator answers classify-intent v1 (and any intent prompt without definitions). */
export function classifyIntentNaive(text: string): DemoIntentLabel {
  return classify(NAIVE_RULES, text);
}

/** How the simulator answers an intent prompt that defines its labels (classify-intent v2). */
export function classifyIntentWithDefinitions(text: string): DemoIntentLabel {
  return classify(DEFINITION_RULES, text);
}

const systemOf = (context: ReplyContext) =>
  context.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');

/** A call of a prompt whose system message asks to classify a message's intent. */
export function isIntentClassification(context: ReplyContext): boolean {
  return /\bclassify\b[^\n]*\bintent\b/i.test(systemOf(context));
}

/** A call of the intent-judge rubric: its system grades an intent classifier, its user has both sections. */
export function isIntentJudgement(context: ReplyContext): boolean {
  return (
    /\bgrade\b[^\n]*\bintent classifier\b/i.test(systemOf(context)) &&
    /^Response to judge:/m.test(context.lastUser)
  );
}

export function classifyIntentReply(context: ReplyContext): string {
  const hasDefinitions = /\bdefinitions\b/i.test(systemOf(context));
  return hasDefinitions
    ? classifyIntentWithDefinitions(context.lastUser)
    : classifyIntentNaive(context.lastUser);
}

const NO_EXPECTED = new Set(['', '(none given)']);

/** How a response appears in a reason: a short label-like word as is, lower-cased, so it never reads as a verdict. */
function quoted(text: string): string {
  const word = text.trim().toLowerCase();
  if (/^[\w-]{1,40}$/.test(word)) return `"${word}"`;
  if (word === '') return 'nothing';
  return `a ${word.split(/\s+/).length}-word answer instead of a label`;
}

/**
 * The intent judge's reply to its rubric's user message: the "Expected answer" and "Response to
 * judge" sections compared trimmed and ignoring case (as the suite's exact-match evaluator does).
 */
export function intentJudgeReply(userMessage: string): string {
  const sections =
    /^Expected answer:[^\S\n]*\n([\s\S]*?)\n\s*\nResponse to judge:[^\S\n]*\n?([\s\S]*)$/m.exec(userMessage);
  const expected = sections?.[1]?.trim() ?? '';
  const actual = sections?.[2]?.trim() ?? '';
  const isLabel = (DEMO_INTENT_LABELS as readonly string[]).includes(actual.toLowerCase());
  if (NO_EXPECTED.has(expected)) {
    return isLabel
      ? `SCORE: 7/10\nVERDICT: PASS\nREASON: no expected answer was given; "${actual.toLowerCase()}" is one of the labels.`
      : `SCORE: 1/10\nVERDICT: FAIL\nREASON: no expected answer was given, and the response is ${quoted(actual)}, not one of the labels.`;
  }
  if (expected.toLowerCase() === actual.toLowerCase()) {
    return `SCORE: 9/10\nVERDICT: PASS\nREASON: the response names the expected intent, ${quoted(expected)}.`;
  }
  return `SCORE: 2/10\nVERDICT: FAIL\nREASON: expected ${quoted(expected)} but the response says ${quoted(actual)}.`;
}

/** FNV-1a: the same text always waits the same time. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic delay in [min, max] ms for this text. */
export function demoLatencyMs(text: string, min: number, max: number): number {
  return min + (hash(text) % (max - min + 1));
}

export const CLASSIFY_LATENCY_MS = { min: 150, max: 400 } as const;
export const JUDGE_LATENCY_MS = { min: 80, max: 200 } as const;

/**
 * The simulator rules for the demo (fresh objects on each call, as servers may consume rules). Calls
 * that are neither a classification nor an intent judgement match none of them.
 */
export function demoSimulatorRules(): FakeLlmRule[] {
  return [
    {
      match: isIntentJudgement,
      reply: (context) => intentJudgeReply(context.lastUser),
      latencyMs: (context) => demoLatencyMs(context.lastUser, JUDGE_LATENCY_MS.min, JUDGE_LATENCY_MS.max),
    },
    {
      match: isIntentClassification,
      reply: classifyIntentReply,
      latencyMs: (context) =>
        demoLatencyMs(context.lastUser, CLASSIFY_LATENCY_MS.min, CLASSIFY_LATENCY_MS.max),
    },
  ];
}
