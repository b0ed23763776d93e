import { LoomError, type Message } from '../core';

export type TokenEncoding = 'o200k_base' | 'cl100k_base';

/** OpenAI's chat format: every message costs 3 tokens of framing, and the reply is primed with 3. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** Checked in order: the gpt-4o family must match before the older gpt-4 prefix. */
const ENCODING_BY_PREFIX: readonly [RegExp, TokenEncoding][] = [
  [/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4)/, 'o200k_base'],
  [/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/, 'cl100k_base'],
];

/** The BPE encoding of an OpenAI model family, or undefined when only the heuristic applies. */
export function encodingFor(model: string): TokenEncoding | undefined {
  const normalized = model.trim().toLowerCase();
  return ENCODING_BY_PREFIX.find(([prefix]) => prefix.test(normalized))?.[1];
}

type Counter = (text: string) => number;

/** Special-token text (`<|endoftext|>`) in user content is counted as plain text, as the API treats it. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * BPE time grows with the square of the length of one run of characters without whitespace (a
 * 40,000-character word took 4 s, blocking the server); runs longer than this are counted in
 * slices of this length. Text without such runs is counted exactly; in a longer run each cut can
 * differ from the exact count by about a token.
 */
const MAX_RUN = 400;

function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Counts `text` in one call, or in pieces cut inside runs longer than MAX_RUN. */
function slicingLongRuns(count: Counter): Counter {
  return (text) => {
    let total = 0;
    let pieceStart = 0;
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      if (isAsciiSpace(text.charCodeAt(i))) run = 0;
      else if (++run > MAX_RUN) {
        total += count(text.slice(pieceStart, i));
        pieceStart = i;
        run = 1;
      }
    }
    return total + count(pieceStart === 0 ? text : text.slice(pieceStart));
  };
}

/** Encodings are large: each is imported only when a model of its family is counted. */
async function loadCounter(encoding: TokenEncoding): Promise<Counter> {
  const encoder =
    encoding === 'o200k_base'
      ? await import('gpt-tokenizer/encoding/o200k_base')
      : await import('gpt-tokenizer/encoding/cl100k_base');
  return slicingLongRuns((text) => encoder.countTokens(text, PLAIN_TEXT));
}

/**
 * Estimate for models whose tokenizer we do not ship: the mean of chars/4 and words*1.3, rounded
 * up. Both are the usual rules of thumb for English; their mean stays within about 0.7x-1.4x of real
 * BPE counts on prose and code (see tokens.test.ts), and 0 only for empty text.
 */
export function heuristicTokenCount(text: string): number {
  if (text.length === 0) return 0;
  const words = text.split(/\s+/).filter((word) => word !== '').length;
  return Math.ceil((text.length / 4 + words * 1.3) / 2);
}

export interface TokenCounter {
  count: Counter;
  /** True when counts are exact BPE counts for the model. */
  isExact: boolean;
}

function assertModel(model: string): void {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new LoomError('INVALID_INPUT', 'A model name is required to count tokens', {
      issues: [{ path: 'model', message: 'must be a non-empty string' }],
    });
  }
}

/** A counter for one model: exact for OpenAI families, the documented heuristic otherwise. */
export async function tokenCounterFor(model: string): Promise<TokenCounter> {
  assertModel(model);
  const encoding = encodingFor(model);
  if (encoding === undefined) return { count: heuristicTokenCount, isExact: false };
  return { count: await loadCounter(encoding), isExact: true };
}

export async function countTokens(model: string, text: string): Promise<number> {
  if (typeof text !== 'string') {
    throw new LoomError('INVALID_INPUT', 'Text to count must be a string', {
      issues: [{ path: 'text', message: 'must be a string' }],
    });
  }
  return (await tokenCounterFor(model)).count(text);
}

export function countWith(counter: TokenCounter, messages: readonly Message[]): number {
  let total = REPLY_PRIMING_TOKENS;
  messages.forEach((message, index) => {
    if (typeof message?.content !== 'string' || typeof message.role !== 'string') {
      throw new LoomError('INVALID_INPUT', `Message ${index} needs a string role and content`, {
        issues: [{ path: `messages.${index}`, message: 'needs a string role and content' }],
      });
    }
    total += TOKENS_PER_MESSAGE + counter.count(message.role) + counter.count(message.content);
  });
  return total;
}

/** Prompt tokens of a chat request as OpenAI bills them: content + role + 3 per message, + 3 priming. */
export async function countMessageTokens(model: string, messages: readonly Message[]): Promise<number> {
  return countWith(await tokenCounterFor(model), messages);
}
