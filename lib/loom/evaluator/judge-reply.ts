import { LoomError } from '../core';

export interface ParsedJudgement {
  /** Normalised to [0, 1]. */
  score: number;
  pass: boolean;
  reason: string;
}

/** What a reply states: a score (undefined when absent) and every verdict it gives, in order. */
interface Signals {
  score?: number;
  verdicts: boolean[];
  reason?: string;
}

const REASON_LIMIT = 500;

function judgeError(message: string, text: string): LoomError {
  return new LoomError('JUDGE_ERROR', message, { output: text.slice(0, REASON_LIMIT) });
}

// ---------------------------------------------------------------------------------------------------
// Scores

const NUMBER = String.raw`(-?\d+(?:\.\d+)?)`;
const DENOMINATOR = String.raw`(?:\s*\**\s*(%|(?:/|out\s+of)\s*\**\s*${NUMBER}))?`;
const SCORE_WORD = String.raw`(?:score|rating|rated|grade)`;
const NUMBER_WORDS = String.raw`(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty|hundred|half|full|perfect|max(?:imum)?)`;
/** Words between a score label and its number; a number word or "out of" there means the score is in words. */
const FILLER = String.raw`(?:(?!\b${NUMBER_WORDS}\b|\bout\s+of\b)[^\d\n/.])`;
/** A line that starts with a score label: "Score: 8/10", "**Final score** - 0.8", "Rating = 7 out of 10". */
const SCORE_LINE = new RegExp(
  String.raw`^[\s*#>_\-]*(?:final\s+|overall\s+)?${SCORE_WORD}\b([\s*_]*[:=\-–])?([^\n]*)$`,
  'gim',
);
const SCORE_VALUE = new RegExp(String.raw`^${FILLER}{0,40}?${NUMBER}${DENOMINATOR}`, 'i');
/** A score inside a sentence: "I would give it a score of 7 out of 10". */
const SCORE_MENTION = new RegExp(String.raw`\b${SCORE_WORD}\b${FILLER}{0,40}?${NUMBER}${DENOMINATOR}`, 'gi');
/** A bare fraction anywhere: "8/10", "7 out of 10" (the empty group keeps SCORE_MENTION's group numbers). */
const FRACTION = new RegExp(String.raw`(?<![\d.])${NUMBER}()\s*(?:/|out\s+of)\s*${NUMBER}\b`, 'gi');
const VERDICT_ONLY = /^[\s*_"'`]*(?:pass(?:ed|es)?|fail(?:ed|s|ure)?)\b/i;

/** Puts a score on [0, 1]: "8/10", "80%", or bare (≤1 as is, ≤10 out of 10, ≤100 out of 100). */
function normalise(value: number, unit?: string, denominator?: string): number | undefined {
  if (!(value >= 0)) return undefined;
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

function scoreOf(match: RegExpExecArray | RegExpMatchArray, text: string): number {
  const [raw, value, unit, denominator] = match;
  const score = normalise(Number(value), unit?.startsWith('%') ? '%' : undefined, denominator);
  if (score === undefined) throw judgeError(`The judge gave an impossible score: ${raw.trim()}`, text);
  return score;
}

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of text.matchAll(pattern)) last = match as RegExpExecArray;
  return last;
}

/**
 * The last score the reply states. A labelled score line whose value is not a number ("Score: eight out
 * of ten", "Score: N/A") is unreadable: an error, so a verdict beside it cannot pass on an invented score.
 */
function findScore(text: string): number | undefined {
  const lines = [...text.matchAll(SCORE_LINE)].reverse();
  for (const [line, separator, rest = ''] of lines) {
    const value = SCORE_VALUE.exec(rest);
    if (value) return scoreOf(value, text);
    if (separator !== undefined && !VERDICT_ONLY.test(rest)) {
      throw judgeError(`The judge's score is not a number: ${line.trim().slice(0, 80)}`, text);
    }
  }
  const mention = lastMatch(SCORE_MENTION, text) ?? lastMatch(FRACTION, text);
  return mention ? scoreOf(mention, text) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Verdicts

const VERDICT_WORD = String.raw`(pass(?:ed|es)?|fail(?:ed|s|ure)?)`;
const VERDICT_LABEL = String.raw`(?:final\s+)?(?:verdict|result|decision|judge?ment|outcome|grade)`;
/** A line that is, or starts with, the verdict: "PASS", "**FAIL**", "Verdict: pass", "Fail - wrong city". */
const VERDICT_LINE = new RegExp(
  String.raw`^[\s*#>_\-]*(?:${VERDICT_LABEL}\s*[:=\-–]?\s*)?[*_\`"']*\s*${VERDICT_WORD}\b[*_\`"']*(?=[\s.!]*$|\s*[:\-–?/]|\s+or\b)`,
  'gim',
);
/** A labelled verdict inside a sentence: "... so my verdict is: Pass." */
const VERDICT_MENTION = new RegExp(
  String.raw`\b${VERDICT_LABEL}\b[\s*_]*(?:is\s*)?[:=\-–]?\s*[*_"']*${VERDICT_WORD}\b`,
  'gi',
);
/** An upper-case PASS/FAIL is a verdict even mid-sentence; lower-case "pass" often is not. */
const VERDICT_SHOUT = /\b(PASS(?:ED)?|FAIL(?:ED)?)\b/g;
/** A verdict field in JSON too malformed to parse: `"pass": false`, `"verdict": "FAIL"`. */
const VERDICT_FIELD =
  /"(?:pass(?:ed)?|verdict|result|decision|outcome)"\s*:\s*"?(true|false|pass(?:ed)?|fail(?:ed)?)\b/gi;

/** Words that make a verdict conditional, negated or a guess: "it might pass", "does not PASS". */
const HEDGE_BEFORE =
  /\b(?:not|no|never|cannot|can't|won't|isn't|doesn't|didn't|wouldn't|shouldn't|couldn't|might|may|could|would|should|if|whether|unless|perhaps|maybe|probably|possibly|likely|almost|nearly|barely|hardly|arguably|borderline|or)\b|n't\b/i;
/** After the word: "PASS or FAIL", "PASS/FAIL" (the template echoed), "PASS (probably)". */
const HEDGE_AFTER =
  /^[*_`"')\s]*(?:\/|or\b)|\b(?:maybe|perhaps|probably|possibly|likely|unless|if|borderline)\b/i;

/** The sentence around [start, end): bounded by . ! ? or a line break (a decimal point is no bound). */
function sentenceAround(
  text: string,
  start: number,
  end: number,
): { before: string; after: string; asks: boolean } {
  const bound = /[!?\n]|\.(?!\d)/g;
  let from = 0;
  for (const m of text.slice(0, start).matchAll(bound)) from = (m.index ?? 0) + 1;
  bound.lastIndex = end;
  const stop = bound.exec(text);
  const to = stop ? stop.index : text.length;
  return { before: text.slice(from, start), after: text.slice(end, to), asks: stop?.[0] === '?' };
}

/** Every verdict the reply states, skipping questions ("PASS?") and hedges ("it would pass if..."). */
function findVerdicts(text: string): boolean[] {
  const found = new Map<number, boolean>();
  for (const pattern of [VERDICT_FIELD, VERDICT_LINE, VERDICT_MENTION, VERDICT_SHOUT]) {
    for (const match of text.matchAll(pattern)) {
      const word = match[1];
      if (!word) continue;
      const start = (match.index ?? 0) + match[0].lastIndexOf(word);
      if (found.has(start)) continue;
      const { before, after, asks } = sentenceAround(text, start, start + word.length);
      const labelFree = before.replace(new RegExp(String.raw`\b${VERDICT_LABEL}\b`, 'gi'), '');
      if (asks || HEDGE_BEFORE.test(labelFree) || HEDGE_AFTER.test(after)) continue;
      found.set(start, /^(?:pass|true)/i.test(word));
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, pass]) => pass);
}

const REASON_LINE =
  /^[\s*#>_\-]*(?:reason(?:ing)?|explanation|rationale|justification)\b[\s*_]*[:\-–]\s*([\s\S]+)$/im;

function readText(text: string): Signals {
  return {
    score: findScore(text),
    verdicts: findVerdicts(text),
    reason: REASON_LINE.exec(text)?.[1]?.trim(),
  };
}

// ---------------------------------------------------------------------------------------------------
// JSON replies

const SCORE_KEYS = new Set(['score', 'rating']);
const DENOMINATOR_KEYS = new Set(['max_score', 'maxscore', 'out_of', 'outof', 'scale']);
const VERDICT_KEYS = new Set([
  'pass',
  'passed',
  'verdict',
  'result',
  'decision',
  'judgement',
  'judgment',
  'outcome',
]);
const REASON_KEYS = new Set(['reason', 'reasoning', 'explanation', 'rationale', 'justification']);

/** The object a reply holds: the whole reply, a fenced block, or the outermost braces inside prose. */
function findJsonObject(text: string): Record<string, unknown> | undefined {
  const candidate = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1] ?? text;
  const open = candidate.indexOf('{');
  const close = candidate.lastIndexOf('}');
  if (open < 0 || close < open) return undefined;
  try {
    const value: unknown = JSON.parse(candidate.slice(open, close + 1));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const shown = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 80);

function jsonVerdict(key: string, value: unknown, text: string): boolean {
  const word = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (word === true || (typeof word === 'string' && /^(?:pass(?:ed|es)?|true|yes)$/.test(word))) return true;
  if (word === false || (typeof word === 'string' && /^(?:fail(?:ed|s|ure)?|false|no)$/.test(word)))
    return false;
  throw judgeError(`The judge's "${key}" field is not a verdict: ${shown(value)}`, text);
}

function jsonScore(key: string, value: unknown, denominator: unknown, text: string): number {
  const outOf = typeof denominator === 'number' ? String(denominator) : undefined;
  const read =
    typeof value === 'number' ? [String(value), String(value)] : SCORE_VALUE.exec(String(value).trim());
  const score =
    read && (typeof value === 'number' || typeof value === 'string')
      ? normalise(Number(read[1]), read[2]?.startsWith('%') ? '%' : undefined, read[3] ?? outOf)
      : undefined;
  if (score === undefined)
    throw judgeError(`The judge's "${key}" field is not a readable score: ${shown(value)}`, text);
  return score;
}

/** Reads a JSON reply's fields; undefined when the reply holds no object with a score or verdict field. */
function readJson(text: string): Signals | undefined {
  const object = findJsonObject(text);
  if (!object) return undefined;
  const fields = Object.entries(object).map(([key, value]) => [key.toLowerCase(), value] as const);
  const score = fields.find(([key]) => SCORE_KEYS.has(key));
  const verdicts = fields.filter(([key]) => VERDICT_KEYS.has(key));
  if (!score && verdicts.length === 0) return undefined;
  const denominator = fields.find(([key]) => DENOMINATOR_KEYS.has(key))?.[1];
  const reason = fields.find(([key, value]) => REASON_KEYS.has(key) && typeof value === 'string')?.[1];
  return {
    score: score ? jsonScore(score[0], score[1], denominator, text) : undefined,
    verdicts: verdicts.map(([key, value]) => jsonVerdict(key, value, text)),
    reason: typeof reason === 'string' ? reason.trim() : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------

/**
 * Reads a judge's reply (free text, or JSON with score and pass/verdict fields). Rules, in order:
 * an unreadable or impossible score, or verdicts that contradict each other, are a JUDGE_ERROR; a FAIL
 * verdict or a score below the threshold fails; a pass needs BOTH a readable score that reaches the
 * threshold and a PASS verdict, so a reply that lacks either one cannot pass and is a JUDGE_ERROR.
 * Questions and hedges ("PASS?", "it might pass", "does not PASS") are not verdicts.
 */
export function parseJudgeOutput(text: string, options: { threshold?: number } = {}): ParsedJudgement {
  const threshold = options.threshold ?? 0.7;
  if (typeof text !== 'string') throw new LoomError('JUDGE_ERROR', 'The judge returned no text');
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new LoomError('INVALID_INPUT', 'Threshold must be in [0, 1]', {
      issues: [{ path: 'threshold', message: String(threshold) }],
    });
  }
  const { score, verdicts, reason: labelled } = readJson(text) ?? readText(text);
  if (verdicts.includes(true) && verdicts.includes(false)) {
    throw judgeError('The judge gave both a PASS and a FAIL verdict', text);
  }
  const verdict = verdicts[0];
  if (score === undefined && verdict === undefined) {
    throw judgeError('Could not find a score or a PASS/FAIL verdict in the judge output', text);
  }
  const full = labelled || text.trim();
  const reason = full.length > REASON_LIMIT ? `${full.slice(0, REASON_LIMIT)}…` : full;
  if (verdict === false) return { score: score ?? 0, pass: false, reason };
  if (score !== undefined && score < threshold) return { score, pass: false, reason };
  if (score === undefined) throw judgeError('The judge gave a PASS verdict without a readable score', text);
  if (verdict === undefined)
    throw judgeError('The judge gave a passing score without a PASS/FAIL verdict', text);
  return { score, pass: true, reason };
}
