import 'server-only';
import { Tokenizer, TokenKind, type TagToken } from 'liquidjs';
import type { PromptData, Renderer, Variable } from '@/lib/loom/core';
import { toOutputString } from '@/lib/loom/template';

// Langfuse's prompt shape for `GET /api/public/v2/prompts/{name}`, so an application using
// `@langfuse/client` can `prompt.get(name)` then `compile(variables)` against Loom. That client
// compiles with Mustache (HTML escaping off): `{{name}}` prints the value, `{{#x}}...{{/x}}` and
// `{{^x}}...{{/x}}` are sections. Loom's templates are Liquid, so a prompt is translated only when
// Mustache prints exactly what Loom's engine would for every valid input; otherwise the answer is
// an error naming the construct, never a prompt that compiles differently.

/** Langfuse's `ChatPrompt` as its public API returns it. */
export interface LangfuseChatPrompt {
  type: 'chat';
  name: string;
  version: number;
  prompt: { type: 'chatmessage'; role: string; content: string }[];
  config: Record<string, unknown>;
  labels: string[];
  tags: string[];
  commitMessage?: string;
}

/** Why a prompt cannot be served to the Langfuse client: the construct and where it is. */
export class LangfuseIncompatibleError extends Error {
  override readonly name = 'LangfuseIncompatibleError';

  constructor(
    message: string,
    readonly construct: string,
    readonly template: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** The fields of liquidjs's output token this module reads (the class is not exported). */
interface OutputToken {
  begin: number;
  end: number;
  content: string;
  trimLeft: boolean;
  trimRight: boolean;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Longest excerpt of a template quoted in an error. */
const MAX_QUOTE = 60;

interface Place {
  promptId: string;
  version: number;
  template: string;
  source: string;
}

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE - 1)}…` : flat;
}

function refuse(place: Place, offset: number, construct: string, why: string): never {
  const { line, column } = position(place.source, offset);
  throw new LangfuseIncompatibleError(
    `Prompt "${place.promptId}" version ${place.version} uses ${construct} in its ${place.template} ` +
      `template (line ${line}, column ${column}): ${why}. The Langfuse client cannot compile it the way ` +
      `Loom renders it; fetch it with the Loom SDK or the REST render endpoint ` +
      `(POST /api/v1/prompts/${place.promptId}/render).`,
    construct,
    place.template,
    line,
    column,
  );
}

/** The Liquid construct a tag or output stands for, as a user would search for it. */
function describeOutput(token: OutputToken, source: string): { construct: string; why: string } {
  const text = quote(source.slice(token.begin, token.end));
  if (token.trimLeft || token.trimRight) {
    return { construct: `\`${text}\``, why: 'Liquid whitespace control (`{{-`, `-}}`)' };
  }
  if (token.content.includes('|')) return { construct: `\`${text}\``, why: 'a Liquid filter' };
  if (/[.[]/.test(token.content)) return { construct: `\`${text}\``, why: 'a property path' };
  return { construct: `\`${text}\``, why: 'a Liquid expression, not a plain variable' };
}

/** True when a valid value of the variable may print as nothing (an empty system turn is dropped). */
function canPrintEmpty(variable: Variable): boolean {
  return !variable.required && toOutputString(variable.default) === '';
}

/**
 * The Mustache for one plain `{{ name }}`. A default applies in Loom when the value is absent; the
 * Mustache inverted section `{{^x}}` fires when the value is falsy, which is the same set of values
 * only when every falsy valid value prints like the default: `''` for strings and enums (absent in
 * Loom too), `0` for numbers whose range allows it, `false` for booleans.
 */
function mustacheFor(variable: Variable, place: Place, token: OutputToken): string {
  const name = variable.name;
  const refuseHere = (why: string) =>
    refuse(place, token.begin, `\`${quote(place.source.slice(token.begin, token.end))}\``, why);
  if (name in Object.prototype) {
    refuseHere(`the Langfuse client reads "${name}" from every object, so it prints it even when unset`);
  }
  if (variable.type === 'list' || variable.type === 'json') {
    refuseHere(`"${name}" is a ${variable.type} variable, which Loom prints as JSON and Mustache does not`);
  }
  if (variable.default === undefined) return `{{${name}}}`;
  const printed = toOutputString(variable.default);
  if (printed === '') return `{{${name}}}`;
  const zeroAllowed = (variable.min ?? 0) <= 0 && (variable.max ?? 0) >= 0;
  const falsyPrintsAsDefault =
    variable.type === 'string' ||
    variable.type === 'enum' ||
    (variable.type === 'number' && (!zeroAllowed || variable.default === 0)) ||
    (variable.type === 'boolean' && variable.default === false);
  if (!falsyPrintsAsDefault) {
    refuseHere(
      `"${name}" defaults to ${printed}, and Mustache would print that default for ${
        variable.type === 'boolean' ? 'false' : '0'
      } too`,
    );
  }
  if (printed.includes('{{')) refuseHere(`the default of "${name}" contains "{{"`);
  return `{{#${name}}}{{${name}}}{{/${name}}}{{^${name}}}${printed}{{/${name}}}`;
}

/** One Liquid template as Mustache, or a LangfuseIncompatibleError naming what cannot be. */
export function liquidToMustache(
  source: string,
  variables: readonly Variable[],
  where: Omit<Place, 'source'>,
): { mustache: string; hasText: boolean; canBeEmpty: boolean } {
  const place: Place = { ...where, source };
  const declared = new Map(variables.map((v) => [v.name, v]));
  let tokens;
  try {
    tokens = new Tokenizer(source).readTopLevelTokens();
  } catch {
    refuse(place, 0, 'a template Liquid cannot parse', 'fix it in the editor first');
  }
  let mustache = '';
  let hasText = false;
  let canBeEmpty = true;
  for (const token of tokens) {
    if (token.kind === TokenKind.HTML) {
      const text = source.slice(token.begin, token.end);
      hasText ||= text !== '';
      mustache += text;
      continue;
    }
    if (token.kind === TokenKind.Tag) {
      const tag = token as TagToken;
      refuse(place, tag.begin, `\`{% ${tag.name} %}\``, 'a Liquid tag (Mustache has no such tags)');
    }
    const output = token as unknown as OutputToken;
    const name = output.content.trim();
    if (output.trimLeft || output.trimRight || !PLAIN_NAME.test(name)) {
      const { construct, why } = describeOutput(output, source);
      refuse(place, output.begin, construct, why);
    }
    const variable = declared.get(name);
    if (!variable) {
      refuse(place, output.begin, `\`{{ ${name} }}\``, `"${name}" is not a declared variable`);
    }
    canBeEmpty &&= canPrintEmpty(variable);
    mustache += mustacheFor(variable, place, output);
  }
  return { mustache, hasText, canBeEmpty };
}

/** The model settings in `config`, named as the OpenAI API names them so they can be passed along. */
function configOf(data: PromptData): Record<string, unknown> {
  const { provider, model, temperature, maxTokens, topP, stop } = data.model;
  return {
    model,
    provider,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(topP !== undefined ? { top_p: topP } : {}),
    ...(stop !== undefined ? { stop } : {}),
  };
}

/**
 * A prompt version in Langfuse's chat prompt shape: the system turn (when Loom sends one), each
 * few-shot example as fixed user/assistant turns (rendered by Loom's engine), then the user turn.
 * `labels` are the labels on this version (plus `latest` when it is the newest, as in Langfuse).
 */
export async function toLangfusePrompt(
  data: PromptData,
  labels: readonly string[],
  engine: Renderer,
): Promise<LangfuseChatPrompt> {
  const where = { promptId: data.id, version: data.version };
  const system = liquidToMustache(data.system, data.variables, { ...where, template: 'system' });
  const user = liquidToMustache(data.user, data.variables, { ...where, template: 'user' });
  if (data.system !== '' && !system.hasText && system.canBeEmpty) {
    // Loom drops a system turn that renders empty; the Langfuse client would send it empty.
    refuse(
      { ...where, template: 'system', source: data.system },
      0,
      'only optional variables',
      'Loom leaves out a system message that renders empty, and the Langfuse client would send it',
    );
  }
  const messages: LangfuseChatPrompt['prompt'] = [];
  if (data.system !== '') messages.push({ type: 'chatmessage', role: 'system', content: system.mustache });
  const firstExample = data.examples[0];
  if (firstExample) {
    // The example turns are fixed text: render them once, the last user turn aside.
    const rendered = await engine.render({ ...data, system: '' }, firstExample.input);
    rendered.messages.slice(0, -1).forEach((turn, index) => {
      if (turn.content.includes('{{')) {
        throw new LangfuseIncompatibleError(
          `Prompt "${data.id}" version ${data.version}: example ${Math.floor(index / 2) + 1} contains "{{", ` +
            'which the Langfuse client would read as a variable; fetch it with the Loom SDK or the REST render endpoint.',
          '{{ in an example',
          `examples.${Math.floor(index / 2)}`,
        );
      }
      messages.push({ type: 'chatmessage', role: turn.role, content: turn.content });
    });
  }
  messages.push({ type: 'chatmessage', role: 'user', content: user.mustache });
  return {
    type: 'chat',
    name: data.id,
    version: data.version,
    prompt: messages,
    config: configOf(data),
    labels: [...labels],
    tags: data.tags,
    ...(data.message ? { commitMessage: data.message } : {}),
  };
}
