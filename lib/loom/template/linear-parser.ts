import { Parser, type Liquid, type Template, type TopLevelToken } from 'liquidjs';
import { checkDeadline, type Deadline } from './deadline';

/**
 * A token list with O(1) `shift()`. liquidjs's parser consumes its token array with
 * `Array#shift`, which moves every remaining element: parsing 50,000 tokens took seconds. The
 * parser and its tags only ever call `shift()` and read `length` on that list (liquidjs 10.30), so
 * this queue stands in for the array.
 */
class TokenQueue {
  private next = 0;

  constructor(private readonly tokens: readonly TopLevelToken[]) {}

  get length(): number {
    return this.tokens.length - this.next;
  }

  shift(): TopLevelToken | undefined {
    return this.next < this.tokens.length ? this.tokens[this.next++] : undefined;
  }
}

/** Every list the parser sees (top level, a `{% liquid %}` tag's lines) becomes one shared queue. */
function asQueue(tokens: TopLevelToken[]): TopLevelToken[] {
  return (tokens instanceof TokenQueue ? tokens : new TokenQueue(tokens)) as unknown as TopLevelToken[];
}

/** Parsing a token costs microseconds (liquidjs builds a tokenizer per tag and output). */
const DEADLINE_STRIDE = 64;

/**
 * liquidjs's parser with linear token consumption and a deadline checked between tokens; tags
 * receive it and parse their bodies with it.
 */
class LinearParser extends Parser {
  private parsed = 0;

  constructor(
    liquid: Liquid,
    private readonly deadline: Deadline,
  ) {
    super(liquid);
  }

  override parseToken(token: TopLevelToken, remainTokens: TopLevelToken[]): ReturnType<Parser['parseToken']> {
    if (++this.parsed % DEADLINE_STRIDE === 0) checkDeadline(this.deadline, token.begin);
    return super.parseToken(token, remainTokens);
  }

  override parseTokens(tokens: TopLevelToken[]): Template[] {
    return super.parseTokens(asQueue(tokens));
  }

  override parseStream(tokens: TopLevelToken[]): ReturnType<Parser['parseStream']> {
    return super.parseStream(asQueue(tokens));
  }
}

/**
 * Parses like `liquid.parse(source)` (same templates, same errors) in time linear in the tokens.
 * Past the deadline it throws DeadlineExceeded, which Liquid may wrap (see `deadlineExceededIn`).
 */
export function parseLinear(liquid: Liquid, source: string, deadline: Deadline): Template[] {
  return new LinearParser(liquid, deadline).parse(source);
}
