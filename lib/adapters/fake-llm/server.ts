// No `import 'server-only'`: see script.ts. This module is node:http only, never bundled for a browser.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_FAKE_MODELS,
  countTokens,
  latencyFor,
  replyFor,
  splitChunks,
  takeRule,
  type FakeFault,
  type FakeLlmRule,
  type FakeLlmScript,
  type FakeMessage,
  type FakeModel,
  type ReplyContext,
} from './script';

export interface FakeLlmRequestLog {
  at: Date;
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface FakeLlmServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  script?: FakeLlmScript;
}

export interface FakeLlmServer {
  /** `http://127.0.0.1:<port>`: the Ollama host; OpenAI clients use `${url}/v1`. */
  readonly url: string;
  readonly port: number;
  /** The most recent requests (up to MAX_LOGGED_REQUESTS), oldest first. */
  readonly requests: FakeLlmRequestLog[];
  /** Replaces the whole script (rules, models, default delays). */
  setScript(script: FakeLlmScript): void;
  /** Adds a rule in front of the others, e.g. `{ fault: { kind: 'rate-limit' }, times: 2 }`. */
  addRule(rule: FakeLlmRule): void;
  close(): Promise<void>;
}

// The simulator may run for days as the studio's demo backend; keep its log bounded.
const MAX_LOGGED_REQUESTS = 1_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Every path under this prefix is a website, not an API: base URLs pointed here test that case. */
export const FAKE_WEBSITE_PATH = '/website';
/** Every path under this prefix redirects to the website. */
export const FAKE_MOVED_PATH = '/moved';

/** A page long enough that echoing it whole in an error message would be noticed. */
const HTML_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Welcome to Example Corp</title></head>
<body><h1>Welcome</h1>${'<p>This is a website, not an API.</p>'.repeat(50)}</body></html>
`;

function sendHtml(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(HTML_PAGE);
}

type Api = ReplyContext['api'];

interface Answer {
  context: ReplyContext;
  rule: FakeLlmRule | undefined;
  text: string;
  finishReason: 'stop' | 'length';
  inputTokens: number;
  outputTokens: number;
  chunkDelayMs: number;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new HttpFailure(413, 'request body too large'));
      else parts.push(chunk);
    });
    req.on('end', () => {
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
      } catch {
        reject(new HttpFailure(400, 'request body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

const wait = (ms: number, res: ServerResponse) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function messagesOf(body: Record<string, unknown>): FakeMessage[] {
  const raw = Array.isArray(body.messages) ? body.messages : [];
  return raw.filter(isRecord).map((m) => ({
    role: String(m.role ?? 'user'),
    content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''),
  }));
}

/** Starts the OpenAI + Ollama wire-compatible simulator on 127.0.0.1. */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  let script: Required<Pick<FakeLlmScript, 'rules' | 'models'>> & FakeLlmScript = {
    ...options.script,
    rules: [...(options.script?.rules ?? [])],
    models: options.script?.models ?? DEFAULT_FAKE_MODELS,
  };
  const requests: FakeLlmRequestLog[] = [];
  let sequence = 0;

  const log = (req: IncomingMessage, body: unknown, status: number) => {
    requests.push({ at: new Date(), method: req.method ?? 'GET', path: req.url ?? '/', body, status });
    if (requests.length > MAX_LOGGED_REQUESTS) requests.splice(0, requests.length - MAX_LOGGED_REQUESTS);
  };
  const findModel = (id: string): FakeModel | undefined => script.models.find((m) => m.id === id);

  const answer = (api: Api, body: Record<string, unknown>, maxTokens: number | undefined): Answer => {
    const messages = messagesOf(body);
    const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const context: ReplyContext = { api, model: String(body.model ?? ''), messages, lastUser };
    const rule = takeRule(script.rules, context);
    let text = replyFor(rule, context);
    let finishReason: Answer['finishReason'] = 'stop';
    if (maxTokens !== undefined && countTokens(text) > maxTokens) {
      text = splitChunks(text)
        .filter((c) => c.trim() !== '')
        .slice(0, maxTokens)
        .join('')
        .trimEnd();
      finishReason = 'length';
    }
    return {
      context,
      rule,
      text,
      finishReason,
      inputTokens: messages.reduce((sum, m) => sum + countTokens(m.content), 0),
      outputTokens: countTokens(text),
      chunkDelayMs: rule?.chunkDelayMs ?? script.chunkDelayMs ?? 0,
    };
  };

  const sendJson = (
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };

  /** Sends a scripted HTTP error (or a non-API answer) in the dialect of `api`; returns true when it did. */
  const sendFault = (api: Api, res: ServerResponse, fault: FakeFault | undefined): boolean => {
    if (fault?.kind === 'html') {
      sendHtml(res, fault.status);
      return true;
    }
    if (fault?.kind === 'empty') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
      return true;
    }
    if (!fault || (fault.kind !== 'status' && fault.kind !== 'rate-limit')) return false;
    const status = fault.kind === 'rate-limit' ? 429 : fault.status;
    const retryAfterSec = fault.retryAfterSec ?? (fault.kind === 'rate-limit' ? 1 : undefined);
    const message = (fault.kind === 'status' && fault.message) || `simulated ${status}`;
    const code = (fault.kind === 'status' && fault.code) || (status === 429 ? 'rate_limit_exceeded' : null);
    const headers: Record<string, string> =
      retryAfterSec !== undefined ? { 'retry-after': String(retryAfterSec) } : {};
    const payload =
      api === 'openai'
        ? {
            error: {
              message,
              type: status < 500 ? 'invalid_request_error' : 'server_error',
              param: null,
              code,
            },
          }
        : { error: message };
    sendJson(res, status, payload, headers);
    return true;
  };

  const streamChunks = async (
    res: ServerResponse,
    answer: Answer,
    contentType: string,
    frame: (chunk: string) => string,
    tail: string[],
  ) => {
    const fault = answer.rule?.fault;
    const breakAt =
      fault?.kind === 'malformed-chunk' || fault?.kind === 'drop-connection' ? (fault.afterChunks ?? 1) : -1;
    res.writeHead(200, {
      'content-type': contentType,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunks = splitChunks(answer.text);
    for (let i = 0; i <= chunks.length; i++) {
      if (res.destroyed) return;
      if (i === breakAt) {
        if (fault?.kind === 'drop-connection') {
          res.socket?.destroy();
        } else {
          res.write(
            contentType === 'text/event-stream'
              ? 'data: {"choices": [{"delta": {"content": \n\n'
              : '{"message": {"content": \n',
          );
          res.end();
        }
        return;
      }
      const chunk = chunks[i];
      if (chunk === undefined) break;
      if (i > 0) await wait(answer.chunkDelayMs, res);
      // Before a scripted break, let each chunk reach the socket, or destroy() would discard it too.
      if (breakAt >= 0) await new Promise<void>((resolve) => res.write(frame(chunk), () => resolve()));
      else res.write(frame(chunk));
    }
    if (!res.destroyed) res.end(tail.join(''));
  };

  const openaiChat = async (body: Record<string, unknown>, res: ServerResponse) => {
    const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens) || undefined;
    const result = answer('openai', body, maxTokens);
    await wait(latencyFor(result.rule, result.context, script.latencyMs), res);
    if (res.destroyed || sendFault('openai', res, result.rule?.fault)) return;
    const id = `chatcmpl-fake-${++sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const model = result.context.model;
    const usage = {
      prompt_tokens: result.inputTokens,
      completion_tokens: result.outputTokens,
      total_tokens: result.inputTokens + result.outputTokens,
    };
    const fault = result.rule?.fault;
    if (body.stream !== true) {
      if (fault?.kind === 'drop-connection') return void res.socket?.destroy();
      if (fault?.kind === 'malformed-chunk') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"id": "broken", "choices": [');
      }
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: result.text, refusal: null },
            finish_reason: result.finishReason,
            logprobs: null,
          },
        ],
        usage,
      });
    }
    const base = { id, object: 'chat.completion.chunk', created, model };
    const sse = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const tail = [
      sse({
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: result.finishReason, logprobs: null }],
      }),
    ];
    if (includeUsage) tail.push(sse({ ...base, choices: [], usage }));
    tail.push('data: [DONE]\n\n');
    await streamChunks(
      res,
      result,
      'text/event-stream',
      (content) =>
        sse({
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: null, logprobs: null }],
        }),
      tail,
    );
  };

  const ollamaChat = async (body: Record<string, unknown>, res: ServerResponse) => {
    const options = isRecord(body.options) ? body.options : {};
    const maxTokens = Number(options.num_predict) > 0 ? Number(options.num_predict) : undefined;
    const result = answer('ollama', body, maxTokens);
    await wait(latencyFor(result.rule, result.context, script.latencyMs), res);
    if (res.destroyed || sendFault('ollama', res, result.rule?.fault)) return;
    const model = result.context.model;
    const createdAt = new Date().toISOString();
    const final = {
      model,
      created_at: createdAt,
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: result.finishReason,
      total_duration: 1_000_000,
      load_duration: 0,
      prompt_eval_count: result.inputTokens,
      prompt_eval_duration: 500_000,
      eval_count: result.outputTokens,
      eval_duration: 500_000,
    };
    const fault = result.rule?.fault;
    if (body.stream === false) {
      if (fault?.kind === 'drop-connection') return void res.socket?.destroy();
      if (fault?.kind === 'malformed-chunk') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"model": "broken", "message": {');
      }
      return sendJson(res, 200, { ...final, message: { role: 'assistant', content: result.text } });
    }
    // Ollama streams by default: anything but an explicit `stream: false` gets NDJSON.
    await streamChunks(
      res,
      result,
      'application/x-ndjson',
      (content) =>
        `${JSON.stringify({ model, created_at: createdAt, message: { role: 'assistant', content }, done: false })}\n`,
      [`${JSON.stringify(final)}\n`],
    );
  };

  const ollamaShow = (body: Record<string, unknown>, res: ServerResponse) => {
    const id = String(body.model ?? body.name ?? '');
    const model = findModel(id);
    if (!model) return sendJson(res, 404, { error: `model '${id}' not found` });
    sendJson(res, 200, {
      license: '',
      modelfile: `FROM ${model.id}`,
      parameters: '',
      template: '{{ .Prompt }}',
      details: {
        parent_model: '',
        format: 'gguf',
        family: model.family,
        families: [model.family],
        parameter_size: '3B',
        quantization_level: 'Q4_K_M',
      },
      model_info: {
        'general.architecture': model.family,
        [`${model.family}.context_length`]: model.contextWindow,
      },
      capabilities: ['completion'],
      modified_at: '2026-01-01T00:00:00Z',
    });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = `${req.method} ${path}`;
    if (path.startsWith(FAKE_WEBSITE_PATH)) {
      sendHtml(res);
      return undefined;
    }
    if (path.startsWith(FAKE_MOVED_PATH)) {
      res.writeHead(302, { location: `${FAKE_WEBSITE_PATH}/` });
      res.end();
      return undefined;
    }
    if (key === 'GET /' || key === 'HEAD /') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('Ollama is running');
      return undefined;
    }
    if (key === 'GET /v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: script.models.map((m) => ({
          id: m.id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: m.ownedBy,
        })),
      });
      return undefined;
    }
    if (key === 'GET /api/tags') {
      sendJson(res, 200, {
        models: script.models.map((m) => ({
          name: m.id,
          model: m.id,
          modified_at: '2026-01-01T00:00:00Z',
          size: 2_000_000_000,
          digest: `sha256:${m.id.replace(/[^a-z0-9]/gi, '')}`,
          details: {
            parent_model: '',
            format: 'gguf',
            family: m.family,
            families: [m.family],
            parameter_size: '3B',
            quantization_level: 'Q4_K_M',
          },
        })),
      });
      return undefined;
    }
    if (req.method !== 'POST') throw new HttpFailure(404, `no route for ${key}`);
    const body = await readBody(req);
    if (!isRecord(body)) throw new HttpFailure(400, 'request body must be a JSON object');
    if (path === '/v1/chat/completions') await openaiChat(body, res);
    else if (path === '/api/chat') await ollamaChat(body, res);
    else if (path === '/api/show') ollamaShow(body, res);
    else throw new HttpFailure(404, `no route for ${key}`);
    return body;
  };

  const server = createServer((req, res) => {
    route(req, res).then(
      (body) => log(req, body, res.statusCode),
      (error: unknown) => {
        const status = error instanceof HttpFailure ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        if (!res.headersSent)
          sendJson(res, status, { error: (req.url ?? '').startsWith('/v1') ? { message } : message });
        else res.destroy();
        log(req, undefined, status);
      },
    );
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setScript(next) {
      script = { ...next, rules: [...(next.rules ?? [])], models: next.models ?? DEFAULT_FAKE_MODELS };
    },
    addRule(rule) {
      script.rules.unshift(rule);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
