import 'server-only';
import type { ReferenceField, ReferenceOperation } from '@/components/api/api-reference';
import { buildOpenApiDocument } from './openapi';

// The studio's API reference page, read from the same OpenAPI document the API publishes, so the
// page cannot drift from what the routes validate.

interface SchemaLike {
  type?: string | string[];
  enum?: unknown[];
  items?: SchemaLike;
  description?: string;
  properties?: Record<string, SchemaLike>;
  required?: string[];
  anyOf?: SchemaLike[];
}
interface OperationLike {
  operationId: string;
  summary: string;
  description: string;
  'x-scope'?: string;
  parameters?: {
    name: string;
    in: 'path' | 'query';
    required: boolean;
    description?: string;
    schema: SchemaLike;
  }[];
  requestBody?: { content: { 'application/json': { schema: SchemaLike } } };
  responses: Record<string, { description: string }>;
}

function typeOf(schema: SchemaLike): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  return type === 'array' && schema.items ? `${typeOf(schema.items)}[]` : type;
}

/** An example request for each operation, against `promptId` (a prompt of the workspace). */
function curlOf(
  origin: string,
  method: string,
  path: string,
  promptId: string,
  body: string | undefined,
): string {
  const url = `${origin}${path.replace('{id}', path.startsWith('/api/v1/experiments') ? 'my-experiment' : promptId)}`;
  const lines = [
    `curl ${method === 'GET' ? '' : `-X ${method} `}${url}${path.endsWith('{id}') ? '?label=production' : ''}`,
  ];
  lines.push(`  -H "Authorization: Bearer $LOOM_API_KEY"`);
  if (body) lines.push(`  -H "Content-Type: application/json"`, `  -d '${body}'`);
  return lines.join(' \\\n');
}

function exampleBody(operationId: string, promptId: string): string | undefined {
  return {
    renderPrompt: '{"variables": {"name": "Ada"}}',
    executePrompt: '{"variables": {"name": "Ada"}, "stream": false}',
    recordOutcome: '{"unitId": "user-42", "value": 1}',
    createChatCompletion: `{"model": "${promptId}@production", "variables": {"name": "Ada"}}`,
  }[operationId];
}

export function buildApiReference(origin: string, promptId: string): ReferenceOperation[] {
  const doc = buildOpenApiDocument(origin);
  const operations: ReferenceOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as OperationLike;
      const fields: ReferenceField[] = (op.parameters ?? []).map((p) => ({
        name: p.name,
        where: p.in,
        type: typeOf(p.schema),
        required: p.required,
        ...(p.description ? { description: p.description } : {}),
      }));
      const body = op.requestBody?.content['application/json'].schema;
      for (const [name, schema] of Object.entries(body?.properties ?? {})) {
        fields.push({
          name,
          where: 'body',
          type: typeOf(schema),
          required: (body?.required ?? []).includes(name),
          ...(schema.description ? { description: schema.description } : {}),
        });
      }
      operations.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        summary: op.summary,
        description: op.description.replace(/\n\nScope: `[^`]+`\.$/, ''),
        scope: op['x-scope'] ?? null,
        fields,
        responses: Object.entries(op.responses).map(([status, r]) => ({
          status,
          description: r.description,
        })),
        curl: curlOf(origin, method.toUpperCase(), path, promptId, exampleBody(op.operationId, promptId)),
      });
    }
  }
  return operations;
}
