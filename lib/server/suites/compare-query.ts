import 'server-only';
import { z } from 'zod';
import { invalidField } from '@/lib/loom/core';

const id = z.string().trim().min(1).max(200);

/** `?suite=&baseline=&runs=a,b` as the comparison routes and page read them. */
export const compareParamsSchema = z.object({
  suite: id,
  baseline: id,
  runs: z
    .string()
    .max(2000)
    .transform((s) =>
      s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
});

export const compareCasesParamsSchema = compareParamsSchema.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  changed: z.enum(['0', '1']).default('0'),
  q: z.string().max(200).default(''),
});

export const compareCaseParamsSchema = compareParamsSchema.extend({ case: id });

/** Parses URL search params with a schema; a bad one is INVALID_INPUT naming the parameter. */
export function parseSearchParams<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) raw[key] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    const message = `Bad "${path}" parameter: ${issue?.message ?? 'invalid'}`;
    throw invalidField(path, message);
  }
  return parsed.data;
}
