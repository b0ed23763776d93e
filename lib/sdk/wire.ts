import type { PromptDataInput } from '../loom/core';
import { LoomApiError, type ProblemDetails } from './errors';

// The studio's REST API (/api/v1) as the SDK reads it: paths and response shapes in one place.

export interface PromptSelectorQuery {
  label?: string;
  version?: number;
  unitId?: string;
}

/** A prompt version as served: which one, its labels, and the experiment variant when one chose it. */
export interface ServedPrompt {
  id: string;
  version: number;
  labels: string[];
  /** The whole prompt document (templates, variables, examples, model settings). */
  data: PromptDataInput;
  experiment?: { id: string; variant: string };
}

/** The answer of one execution (`POST /api/v1/prompts/{id}/execute`). */
export interface ExecuteResult {
  /** The prompt id and the version that ran. */
  id: string;
  version: number;
  output: string;
  provider: string;
  /** The model that answered, as the provider names it. */
  model: string;
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number };
  /** Micro-dollars (1 USD = 1,000,000); null when the model has no price. */
  costMicros: number | null;
  latencyMs: number;
  /** The experiment and variant that chose this version, or null. */
  experiment: { id: string; variant: string } | null;
}

export type StreamEvent =
  | {
      type: 'start';
      id: string;
      version: number;
      provider: string;
      model: string;
      experiment: { id: string; variant: string } | null;
    }
  | { type: 'delta'; text: string }
  | { type: 'done'; result: ExecuteResult };

const segment = (id: string) => encodeURIComponent(id);

export function promptPath(id: string, query: PromptSelectorQuery): string {
  const params = new URLSearchParams();
  if (query.version !== undefined) params.set('version', String(query.version));
  else if (query.label !== undefined) params.set('label', query.label);
  if (query.unitId !== undefined) params.set('unitId', query.unitId);
  const search = params.toString();
  return `/api/v1/prompts/${segment(id)}${search ? `?${search}` : ''}`;
}

export const executePath = (id: string) => `/api/v1/prompts/${segment(id)}/execute`;
export const outcomePath = (experimentId: string) => `/api/v1/experiments/${segment(experimentId)}/outcomes`;

function fail(what: string): never {
  throw new LoomApiError(502, { code: 'INVALID_RESPONSE', detail: `The studio's answer is not ${what}` });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parsePromptResponse(body: unknown): ServedPrompt {
  if (!isObject(body) || !isObject(body.prompt)) fail('a prompt');
  const { createdAt: _createdAt, ...data } = body.prompt;
  const version = typeof body.version === 'number' ? body.version : Number(data.version);
  const experiment = isObject(body.experiment) ? body.experiment : undefined;
  return {
    id: String(data.id),
    version,
    labels: Array.isArray(body.labels) ? body.labels.map(String) : [],
    data: { ...(data as PromptDataInput), version },
    ...(experiment ? { experiment: { id: String(experiment.id), variant: String(experiment.variant) } } : {}),
  };
}

export function parseExecuteResult(body: unknown): ExecuteResult {
  if (!isObject(body) || typeof body.output !== 'string') fail('an execution result');
  return body as unknown as ExecuteResult;
}

/** One SSE event of an execute stream; unknown events are skipped, an `error` event throws. */
export function parseStreamEvent(event: string, data: string): StreamEvent | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    fail('a JSON event');
  }
  if (event === 'start' && isObject(payload))
    return { type: 'start', ...(payload as Omit<Extract<StreamEvent, { type: 'start' }>, 'type'>) };
  if (event === 'delta' && isObject(payload) && typeof payload.text === 'string') {
    return { type: 'delta', text: payload.text };
  }
  if (event === 'done') return { type: 'done', result: parseExecuteResult(payload) };
  if (event === 'error') {
    const problem = (isObject(payload) ? payload : {}) as ProblemDetails;
    throw new LoomApiError(typeof problem.status === 'number' ? problem.status : 502, problem);
  }
  return undefined;
}
