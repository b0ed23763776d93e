import 'server-only';
import { z } from 'zod';
import { chatCompletionRequestSchema, chatCompletionSchema, openAIErrorBodySchema } from '../compat/openai';
import { API_SCOPES, type ApiScope } from './keys';
import { MAX_API_BODY_BYTES } from './pipeline';
import {
  executeRequestSchema,
  executeResponseSchema,
  experimentParamsSchema,
  labelMoveResponseSchema,
  labelParamsSchema,
  moveLabelRequestSchema,
  getPromptQuerySchema,
  listPromptsQuerySchema,
  outcomeRequestSchema,
  outcomeResponseSchema,
  problemSchema,
  promptListResponseSchema,
  promptParamsSchema,
  promptResponseSchema,
  renderRequestSchema,
  renderResponseSchema,
} from './schemas';

// The OpenAPI 3.1 description of /api/v1, generated from the zod schemas the routes validate
// with (zod 4 emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is). The reference page in
// the studio reads the same description.

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  });
  return rest as JsonSchema;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

function parametersOf(schema: z.ZodObject, where: 'path' | 'query'): Parameter[] {
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const problem = (description: string) => ({ description, content: problemContent });

/** The refusals every authenticated route can answer with. */
const COMMON_ERRORS = {
  '401': problem('Missing, malformed, unknown or revoked API key.'),
  '403': problem('The key lacks the scope this operation needs.'),
  '429': {
    ...problem('Too many requests for this key; wait for the number of seconds in Retry-After.'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } },
  },
};
const BODY_ERRORS = {
  '400': problem('Malformed JSON, or a field that does not validate (each listed in `errors`).'),
  '413': problem(`The body is larger than ${MAX_API_BODY_BYTES / 1024} KiB.`),
};

export interface Operation {
  method: 'get' | 'post' | 'put';
  path: string;
  operationId: string;
  summary: string;
  description: string;
  scope: ApiScope;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  successStatus: string;
  errors: Record<string, unknown>;
  extraResponses?: Record<string, unknown>;
  /** Failures answer OpenAI's error body instead of a problem object (the compatible endpoint). */
  openAIErrors?: true;
}

/** The same refusals, described with OpenAI's error body. */
function asOpenAIErrors(errors: Record<string, unknown>): Record<string, unknown> {
  const content = { 'application/json': { schema: { $ref: '#/components/schemas/OpenAIError' } } };
  return Object.fromEntries(
    Object.entries(errors).map(([status, response]) => [status, { ...(response as object), content }]),
  );
}

/** Every operation of /api/v1; the reference page lists them in this order. */
export const API_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/prompts',
    operationId: 'listPrompts',
    summary: 'List prompts',
    description:
      'The workspace’s prompts (archived ones left out), most recently saved first, with their labels.',
    scope: 'prompts:read',
    query: listPromptsQuerySchema,
    response: promptListResponseSchema,
    successStatus: '200',
    errors: { '400': problem('A query parameter does not validate.') },
  },
  {
    method: 'get',
    path: '/api/v1/prompts/{id}',
    operationId: 'getPrompt',
    summary: 'Get a prompt',
    description:
      'The whole prompt document of one version: the version `label` points at (default `production`), or `version`. With `unitId` and a running experiment on the prompt, the unit’s sticky variant is served and `experiment` names it. Answers carry an ETag; send it back in If-None-Match to get 304 when nothing changed.',
    scope: 'prompts:read',
    params: promptParamsSchema,
    query: getPromptQuerySchema,
    response: promptResponseSchema,
    successStatus: '200',
    errors: {
      '400': problem('Both label and version, or a malformed one.'),
      '404': problem('No such prompt, label or version (the detail names it).'),
    },
    extraResponses: { '304': { description: 'Not modified: the ETag in If-None-Match is current.' } },
  },
  {
    method: 'put',
    path: '/api/v1/prompts/{id}/labels/{label}',
    operationId: 'moveLabel',
    summary: 'Move a label',
    description:
      'Points the label at a version, as a deploy pipeline promotes one. Moving `production` passes the prompt’s release gate; the move is audited under the key’s name, fires the `label.moved` webhook, and every instance serves the new version at once. `latest` cannot be moved.',
    scope: 'prompts:write',
    params: labelParamsSchema,
    body: moveLabelRequestSchema,
    response: labelMoveResponseSchema,
    successStatus: '200',
    errors: {
      ...BODY_ERRORS,
      '404': problem('No such prompt or version.'),
      '409': problem('The release gate refused the move (the detail lists the failed checks).'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/prompts/{id}/render',
    operationId: 'renderPrompt',
    summary: 'Render a prompt',
    description:
      'Variables in, the exact messages `execute` would send out (system, examples, user). Nothing is sent to a model.',
    scope: 'prompts:read',
    params: promptParamsSchema,
    body: renderRequestSchema,
    response: renderResponseSchema,
    successStatus: '200',
    errors: {
      ...BODY_ERRORS,
      '404': problem('No such prompt, label or version.'),
      '422': problem('Invalid variables: each missing, mistyped or undeclared one is listed in `errors`.'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/prompts/{id}/execute',
    operationId: 'executePrompt',
    summary: 'Execute a prompt',
    description:
      'Renders the prompt and calls its provider with the workspace’s settings. With `stream: true` the answer is `text/event-stream`: a `start` event (id, version, model, experiment), `delta` events ({text}), then `done` (the JSON answer’s fields) or `error` (a problem object). Every call is recorded as a run of this key.',
    scope: 'prompts:execute',
    params: promptParamsSchema,
    body: executeRequestSchema,
    response: executeResponseSchema,
    successStatus: '200',
    errors: {
      ...BODY_ERRORS,
      '404': problem('No such prompt, label, version or provider.'),
      '422': problem('Invalid variables, each listed; or a template error.'),
      '502': problem('The provider answered with an error (its message is in `detail`).'),
      '503': problem(
        'The provider is unavailable, rate limiting the studio, or temporarily disabled after failures.',
      ),
      '504': problem('The provider did not answer in time.'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/experiments/{id}/outcomes',
    operationId: 'recordOutcome',
    summary: 'Record an experiment outcome',
    description:
      'A unit’s conversion (1 or 0) or value, counted for the variant the unit is assigned to. A unit’s first outcome counts; later ones answer `recorded: false`.',
    scope: 'experiments:write',
    params: experimentParamsSchema,
    body: outcomeRequestSchema,
    response: outcomeResponseSchema,
    successStatus: '201',
    errors: { ...BODY_ERRORS, '404': problem('No such experiment.') },
    extraResponses: { '200': { description: 'The unit already had an outcome; nothing changed.' } },
  },
  {
    method: 'post',
    path: '/api/v1/chat/completions',
    operationId: 'createChatCompletion',
    summary: 'Chat completion (OpenAI-compatible)',
    description:
      'For the official `openai` SDKs and code written for them: base URL `<studio>/api/v1`, the API key as the SDK’s key. `model` names the prompt (`id`, `id@label` or `id@v3`; the label defaults to `production`), `variables` fill it, and any `messages` are sent after the rendered ones. Answers, stream chunks (`stream: true`, with `stream_options.include_usage`), usage and errors have OpenAI’s shapes; `loom` says which version answered. Tools, function calls, audio and logprobs are refused by name.',
    scope: 'prompts:execute',
    body: chatCompletionRequestSchema,
    response: chatCompletionSchema,
    successStatus: '200',
    errors: {
      ...BODY_ERRORS,
      '404': problem('No such prompt, label, version or provider.'),
      '422': problem('Invalid variables: `param` names the first, the message lists each.'),
      '502': problem('The provider answered with an error.'),
      '503': problem('The provider is unavailable or temporarily disabled after failures.'),
      '504': problem('The provider did not answer in time.'),
    },
    openAIErrors: true,
  },
];

function operationObject(op: Operation) {
  const parameters = [
    ...(op.params ? parametersOf(op.params, 'path') : []),
    ...(op.query ? parametersOf(op.query, 'query') : []),
  ];
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: `${op.description}\n\nScope: \`${op.scope}\`.`,
    security: [{ bearer: [] }, { basic: [] }],
    'x-scope': op.scope,
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [op.successStatus]: {
        description: 'Success.',
        content: { 'application/json': { schema: jsonSchema(op.response, 'output') } },
      },
      ...op.extraResponses,
      ...(op.openAIErrors
        ? asOpenAIErrors({ ...COMMON_ERRORS, ...op.errors })
        : { ...COMMON_ERRORS, ...op.errors }),
    },
  };
}

/** The OpenAPI 3.1 document; `serverUrl` is the studio's origin. */
export function buildOpenApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  paths['/api/v1/ping'] = {
    get: {
      operationId: 'ping',
      summary: 'Check the studio is reachable',
      description: 'Needs no key and reveals nothing.',
      security: [],
      responses: { '200': { description: 'The studio is up.' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loom Studio runtime API',
      version: '1',
      description:
        'Fetch, render and execute the workspace’s prompts from applications. Authenticate with an API key (Settings → API keys): `Authorization: Bearer loom_sk_…`, or HTTP Basic with the key’s public id and secret. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The key’s secret, `loom_sk_…`.' },
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'Public id (`loom_pk_…`) as user, secret as password.',
        },
      },
      schemas: {
        Problem: jsonSchema(problemSchema, 'output'),
        OpenAIError: jsonSchema(openAIErrorBodySchema, 'output'),
      },
    },
    'x-scopes': API_SCOPES,
  };
}
