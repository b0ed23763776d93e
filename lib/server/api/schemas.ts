import 'server-only';
import { z } from 'zod';
import { promptIdSchema } from '@/lib/loom/core';
import { LABEL_PATTERN, MAX_LABEL_LENGTH } from '@/lib/loom/registry';

// The request and response shapes of /api/v1: the pipeline validates with these, and
// /api/v1/openapi.json is generated from the same objects (openapi.ts).

const labelSchema = z
  .string()
  .max(MAX_LABEL_LENGTH)
  .regex(LABEL_PATTERN, 'use lowercase letters, digits, "-" and "_", starting with a letter or digit')
  .meta({ description: 'A label such as `production` or `staging`; `latest` is the newest version.' });
const versionSchema = z.coerce
  .number()
  .int('must be a whole number')
  .positive('must be 1 or more')
  .meta({ description: 'A version number; pins the version (no experiment applies).' });
const unitIdSchema = z.string().trim().min(1).max(200).meta({
  description:
    'Who is served (a user or session id). With a label and a running experiment on the prompt, the unit gets its sticky variant’s version.',
});
const variablesSchema = z
  .record(z.string(), z.unknown())
  .default({})
  .meta({ description: 'Values of the prompt’s variables, by name.' });

/** A label or a version, not both. */
const oneSelector = <T extends { label?: string | undefined; version?: number | undefined }>(value: T) =>
  value.label === undefined || value.version === undefined;
const oneSelectorError = { message: 'give either label or version, not both', path: ['version'] };

export const promptParamsSchema = z.object({
  id: promptIdSchema.meta({ description: 'The prompt id (its slug).' }),
});
export const labelParamsSchema = promptParamsSchema.extend({ label: labelSchema });
export const moveLabelRequestSchema = z
  .object({
    version: z.number().int().positive().meta({ description: 'The version the label points at afterwards.' }),
  })
  .strict();
export const labelMoveResponseSchema = z.object({
  label: z.string(),
  from: z
    .number()
    .int()
    .optional()
    .meta({ description: 'Where the label pointed before; absent when it was new.' }),
  to: z.number().int(),
});
export const experimentParamsSchema = z.object({
  id: z.string().min(1).max(100).meta({ description: 'The experiment id.' }),
});

export const listPromptsQuerySchema = z.object({
  search: z.string().max(200).optional().meta({ description: 'Substring of id, name or description.' }),
  tag: z.string().max(50).optional().meta({ description: 'Only prompts with this tag.' }),
});

export const getPromptQuerySchema = z
  .object({
    label: labelSchema.optional(),
    version: versionSchema.optional(),
    unitId: unitIdSchema.optional(),
  })
  .refine(oneSelector, oneSelectorError);
export type GetPromptQuery = z.output<typeof getPromptQuerySchema>;

export const renderRequestSchema = z
  .object({
    label: labelSchema.optional(),
    version: z.number().int().positive().optional().meta({ description: 'A version number; pins it.' }),
    unitId: unitIdSchema.optional(),
    variables: variablesSchema,
  })
  .strict()
  .refine(oneSelector, oneSelectorError);
export type RenderRequest = z.output<typeof renderRequestSchema>;

export const executeRequestSchema = z
  .object({
    label: labelSchema.optional(),
    version: z.number().int().positive().optional().meta({ description: 'A version number; pins it.' }),
    unitId: unitIdSchema.optional(),
    variables: variablesSchema,
    stream: z
      .boolean()
      .default(false)
      .meta({ description: 'Answer with server-sent events: `start`, `delta`…, then `done` or `error`.' }),
    cache: z.boolean().default(false).meta({
      description:
        'Serve an identical earlier request’s answer from the studio’s response cache (5 minutes).',
    }),
    model: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Overrides the prompt’s model.' }),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().max(1_000_000).optional(),
  })
  .strict()
  .refine(oneSelector, oneSelectorError);
export type ExecuteRequest = z.output<typeof executeRequestSchema>;

export const outcomeRequestSchema = z
  .object({
    unitId: unitIdSchema,
    value: z
      .number()
      .finite()
      .meta({ description: 'A conversion as 1 or 0, or a value (revenue, a rating).' }),
  })
  .strict();

// Responses (documented; the handlers build them).

const messageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const experimentRefSchema = z
  .object({ id: z.string(), variant: z.string() })
  .nullable()
  .meta({ description: 'The experiment and variant that chose this version, or null.' });

export const promptDocumentSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    system: z.string(),
    user: z.string(),
    variables: z.array(z.record(z.string(), z.unknown())),
    examples: z.array(z.object({ input: z.record(z.string(), z.unknown()), output: z.string() })),
    model: z.object({ provider: z.string(), model: z.string() }).catchall(z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    author: z.string().optional(),
    message: z.string().optional(),
    createdAt: z.string().optional().meta({ format: 'date-time' }),
  })
  .meta({
    id: 'PromptDocument',
    description: 'A prompt version as stored (the import/export format’s fields).',
  });

export const promptResponseSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    labels: z.array(z.string()).meta({ description: 'Labels pointing at this version.' }),
    prompt: promptDocumentSchema,
    experiment: experimentRefSchema,
  })
  .meta({ id: 'PromptResponse' });

export const promptListResponseSchema = z
  .object({
    prompts: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        tags: z.array(z.string()),
        latestVersion: z.number().int(),
        labels: z.record(z.string(), z.number().int()).meta({ description: 'label → version' }),
        updatedAt: z.string().meta({ format: 'date-time' }),
      }),
    ),
  })
  .meta({ id: 'PromptList' });

export const renderResponseSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    messages: z.array(messageSchema).meta({ description: 'Exactly what execute sends to the model.' }),
    variables: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The values after coercion and defaults.' }),
    experiment: experimentRefSchema,
  })
  .meta({ id: 'RenderResponse' });

export const executeResponseSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    output: z.string(),
    model: z.string(),
    provider: z.string(),
    finishReason: z.string(),
    usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
    costMicros: z
      .number()
      .nullable()
      .meta({ description: 'Cost in millionths of a dollar; null when unpriced.' }),
    latencyMs: z.number(),
    experiment: experimentRefSchema,
  })
  .meta({ id: 'ExecuteResponse' });

export const outcomeResponseSchema = z
  .object({
    recorded: z
      .boolean()
      .meta({ description: 'False when the unit already had an outcome (the first one counts).' }),
  })
  .meta({ id: 'OutcomeResponse' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });
