import { z } from 'zod';

/** Prompt ids are slugs: they appear in URLs, file names and API calls. */
export const promptIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

export const variableNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must start with a letter or "_" and contain only letters, digits and "_"',
  );

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'enum', 'list', 'json'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export const variableSchema = z.object({
  name: variableNameSchema,
  type: z.enum(VARIABLE_TYPES),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  description: z.string().max(2000).optional(),
  /** Allowed values of an enum variable. */
  values: z.array(z.string()).optional(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
  pattern: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export type Variable = z.infer<typeof variableSchema>;

/** A few-shot example: its input renders the user template; output is the assistant's reply. */
export const exampleSchema = z.object({
  input: z.record(z.string(), z.unknown()),
  output: z.string(),
});
export type Example = z.infer<typeof exampleSchema>;

export const modelSettingsSchema = z.object({
  provider: z.string().min(1).default('openai'),
  model: z.string().min(1).default('gpt-4o-mini'),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  topP: z.number().min(0).max(1).optional(),
  stop: z.array(z.string()).max(4).optional(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

export const promptSchema = z.object({
  id: promptIdSchema,
  /** 0 until a registry assigns the next number on save. */
  version: z.number().int().nonnegative(),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).default(''),
  tags: z.array(z.string().min(1).max(50)).default([]),
  system: z.string().default(''),
  user: z.string().default(''),
  variables: z.array(variableSchema).default([]),
  examples: z.array(exampleSchema).default([]),
  model: modelSettingsSchema.default({ provider: 'openai', model: 'gpt-4o-mini' }),
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** Who saved this version and why; set by the registry caller. */
  author: z.string().optional(),
  message: z.string().max(1000).optional(),
  createdAt: z.date().optional(),
});
export type PromptData = z.infer<typeof promptSchema>;
export type PromptDataInput = z.input<typeof promptSchema>;

/** Values given to a render, keyed by variable name. Strings arrive from forms and are coerced. */
export type Input = Record<string, unknown>;

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Rendered {
  system: string;
  user: string;
  /** Exactly what is sent: system, then examples as user/assistant turns, then the user turn. */
  messages: Message[];
  /** The validated input after coercion and defaults. */
  variables: Record<string, unknown>;
}

/** Renders a prompt; the template package provides the default. Injected so core has no engine. */
export interface Renderer {
  render(prompt: PromptData, input: Input, options?: { signal?: AbortSignal }): Promise<Rendered>;
}
