import { AssertionError, LiquidError } from 'liquidjs';
import { LoomError } from '../core';
import type { Deadline } from './deadline';

/** Thrown by our emitter when the output budget runs out; Liquid wraps it, we unwrap it. */
export class OutputLimitError extends Error {
  constructor(limit: number) {
    super(`Rendered output exceeds ${limit} characters`);
  }
}

const LIQUID_LIMIT = /(memory alloc|template render|parse length) limit exceeded/;
/** Liquid's renderLimit, which we set to the call's deadline. */
const LIQUID_TIME_LIMIT = 'template render limit exceeded';

export interface Position {
  line: number;
  column: number;
}

function positionOf(error: unknown): Position | undefined {
  if (!(error instanceof LiquidError)) return undefined;
  const [line = 1, column = 1] = error.token.getPosition();
  return { line, column };
}

/** Liquid appends ", line:N, col:M" to its messages; we report those as fields instead. */
function plainMessage(error: Error): string {
  return error.message.replace(/, line:\d+, col:\d+$/, '');
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && chain.length < 10) {
    chain.push(current);
    current = current instanceof LiquidError ? current.originalError : undefined;
  }
  return chain;
}

/** Names which template failed (`system`, `user`, `examples.0`) so the editor can point at it. */
export function limitError(
  message: string,
  template: string,
  extra: Record<string, unknown> = {},
): LoomError {
  return new LoomError('TEMPLATE_LIMIT', message, { template, ...extra });
}

/** The template's share of the call's time ran out: say so, and where the work stopped. */
export function timeoutError(
  template: string,
  phase: 'parse' | 'render',
  deadline: Deadline,
  position: Position | undefined,
): LoomError {
  const where =
    position === undefined ? '' : `; it stopped at line ${position.line}, column ${position.column}`;
  const work = phase === 'parse' ? 'analyse' : 'render';
  return limitError(
    `Template ${template} took longer than ${deadline.budgetMs} ms to ${work}${where}. Simplify it or render less data.`,
    template,
    { ...position, limit: 'time' },
  );
}

/**
 * Maps whatever Liquid threw to a LoomError: limits to TEMPLATE_LIMIT, parse problems to
 * TEMPLATE_SYNTAX with 1-based line/column, other render failures to INVALID_INPUT.
 */
export function toLoomError(
  error: unknown,
  template: string,
  phase: 'parse' | 'render',
  deadline?: Deadline,
): LoomError {
  if (error instanceof LoomError) return error;
  const chain = causes(error);
  const position = positionOf(error);
  const where = position === undefined ? '' : ` at line ${position.line}, column ${position.column}`;
  const output = chain.find((cause) => cause instanceof OutputLimitError);
  if (output instanceof OutputLimitError) return limitError(output.message, template, { ...position });
  const isTimeout = chain.some(
    (cause) => cause instanceof AssertionError && cause.message === LIQUID_TIME_LIMIT,
  );
  if (isTimeout && deadline !== undefined) return timeoutError(template, phase, deadline, position);
  const limit = chain.find((cause) => cause instanceof AssertionError && LIQUID_LIMIT.test(cause.message));
  if (limit instanceof Error)
    return limitError(`Template ${limit.message}${where}`, template, { ...position });
  if (chain.some((cause) => cause instanceof RangeError)) {
    return limitError(`Template is too deeply nested or recursive${where}`, template, { ...position });
  }
  const message = error instanceof Error ? plainMessage(error) : String(error);
  const issue = { message, ...position };
  if (phase === 'parse') {
    return new LoomError('TEMPLATE_SYNTAX', `Template syntax error in ${template}${where}: ${message}`, {
      template,
      ...position,
      issues: [issue],
    });
  }
  return new LoomError('INVALID_INPUT', `Template ${template} failed to render${where}: ${message}`, {
    template,
    ...position,
    issues: [issue],
  });
}
