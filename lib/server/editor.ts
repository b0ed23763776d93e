import 'server-only';
import { z } from 'zod';
import type {
  EditorBase,
  EditorDraft,
  EditorIssue,
  PreviewResult,
  TemplateCheck,
} from '@/components/editor/types';
import {
  exampleSchema,
  issuesFromZod,
  isLoomError,
  LoomError,
  modelSettingsSchema,
  prompt,
  promptIdSchema,
  variableSchema,
  type LoomIssue,
  type PromptData,
} from '@/lib/loom/core';
import { estimate } from '@/lib/loom/cost';
import type { PromptRegistry } from '@/lib/loom/registry';
import { DEFAULT_TEMPLATE_LIMITS, type Deadline, type TemplateEngine } from '@/lib/loom/template';
import { templateDeadline } from './template-budget';

/** Same cap as the template engine's parser: a larger template could never render. */
export const MAX_TEMPLATE_CHARS = DEFAULT_TEMPLATE_LIMITS.maxSourceLength;
/** Generous for real prompts; keeps one request's validation cheap. */
const MAX_VARIABLES = 100;
const MAX_EXAMPLES = 50;
/** Two full-size templates plus variables, examples and sample input; larger bodies are refused unread. */
export const MAX_PREVIEW_BODY_CHARS = 2 * MAX_TEMPLATE_CHARS + 512 * 1024;

const templateSchema = z
  .string()
  .max(MAX_TEMPLATE_CHARS, `Templates are limited to ${MAX_TEMPLATE_CHARS / 1024} KB.`);

export const editorDraftSchema = z.object({
  name: z.string().trim().min(1, 'Give the prompt a name.').max(200),
  description: z.string().max(5000).default(''),
  tags: z.array(z.string().min(1).max(50)).max(20).default([]),
  system: templateSchema,
  user: templateSchema,
  variables: z.array(variableSchema).max(MAX_VARIABLES),
  examples: z.array(exampleSchema).max(MAX_EXAMPLES),
  model: modelSettingsSchema,
});

export const saveVersionSchema = z.object({
  id: promptIdSchema,
  /** The version the editor loaded; 0 when the prompt is new. */
  expectedLatest: z.number().int().nonnegative(),
  message: z.string().trim().min(1, 'Say what changed.').max(1000),
  draft: editorDraftSchema,
});
export type SaveVersionInput = z.input<typeof saveVersionSchema>;

export const previewRequestSchema = z.object({
  draft: z.unknown(),
  input: z.record(z.string(), z.unknown()).default({}),
});

/** The editor's view of a stored version. */
export function toEditorBase(data: PromptData): EditorBase {
  return {
    id: data.id,
    version: data.version,
    ...(data.author ? { author: data.author } : {}),
    draft: {
      name: data.name,
      description: data.description,
      tags: data.tags,
      system: data.system,
      user: data.user,
      variables: data.variables,
      examples: data.examples,
      model: data.model,
    },
  };
}

/** A new prompt's starting point (on the workspace's default model): nothing is stored until its first save. */
export function emptyBase(id: string, name: string, model: EditorDraft['model']): EditorBase {
  return {
    id,
    version: 0,
    draft: {
      name,
      description: '',
      tags: [],
      system: '',
      user: '',
      variables: [],
      examples: [],
      model,
    },
  };
}

function toIssues(issues: readonly LoomIssue[]): EditorIssue[] {
  return issues.map((issue) => ({ path: issue.path ?? '_', message: issue.message }));
}

/** Every definition problem of a draft (variables, defaults, examples against variables), or the checked data. */
function checkDefinition(
  id: string,
  draft: EditorDraft,
): { ok: true; data: PromptData } | { ok: false; issues: EditorIssue[] } {
  const builder = prompt(id)
    .name(draft.name)
    .description(draft.description)
    .tags(...draft.tags)
    .system(draft.system)
    .user(draft.user)
    .model(draft.model);
  for (const { name, ...spec } of draft.variables) builder.variable(name, spec);
  for (const example of draft.examples) builder.example(example);
  try {
    return { ok: true, data: { ...builder.build().data } };
  } catch (error) {
    if (isLoomError(error, 'INVALID_INPUT'))
      return { ok: false, issues: toIssues(error.details.issues ?? []) };
    throw error;
  }
}

function checkTemplate(
  engine: TemplateEngine,
  part: 'system' | 'user',
  draft: EditorDraft,
  deadline: Deadline,
): TemplateCheck {
  const analysis = engine.analyze(draft[part], draft.variables, { name: part, deadline });
  return { errors: analysis.errors, undeclared: analysis.undeclared, unused: analysis.unused };
}

const EMPTY_CHECK: TemplateCheck = { errors: [], undeclared: [], unused: [] };

/**
 * Renders a draft with sample input for the live preview. Persists nothing and never throws for
 * problems in the draft or the input: they come back as issues for the editor to show in place.
 */
export async function previewDraft(
  engine: TemplateEngine,
  rawDraft: unknown,
  input: Record<string, unknown>,
): Promise<PreviewResult> {
  const parsed = editorDraftSchema.safeParse(rawDraft);
  if (!parsed.success) {
    return {
      templates: { system: EMPTY_CHECK, user: EMPTY_CHECK },
      issues: toIssues(issuesFromZod(parsed.error)),
      inputIssues: [],
      messages: null,
      renderError: null,
      tokens: null,
      costMicros: null,
      model: '',
    };
  }
  const draft = parsed.data;
  const deadline = templateDeadline();
  const templates = {
    system: checkTemplate(engine, 'system', draft, deadline),
    user: checkTemplate(engine, 'user', draft, deadline),
  };
  const result: PreviewResult = {
    templates,
    issues: [],
    inputIssues: [],
    messages: null,
    renderError: null,
    tokens: null,
    costMicros: null,
    model: draft.model.model,
  };
  const definition = checkDefinition('preview', draft);
  if (!definition.ok) return { ...result, issues: definition.issues };
  if ([templates.system, templates.user].some((t) => t.errors.length > 0 || t.undeclared.length > 0)) {
    return result;
  }
  try {
    const rendered = await engine.render(definition.data, input, { deadline });
    const maxOutput = draft.model.maxTokens ?? 0;
    const cost = await estimate({
      model: draft.model.model,
      messages: rendered.messages,
      maxOutputTokens: maxOutput,
    });
    return {
      ...result,
      messages: rendered.messages,
      tokens: { input: cost.inputTokens, maxOutput, isExact: cost.isExact },
      costMicros: cost.costMicros ?? null,
    };
  } catch (error) {
    if (isLoomError(error, 'MISSING_VARIABLES') || isLoomError(error, 'INVALID_INPUT')) {
      const issues = error.details.issues ?? [];
      if (issues.length > 0 && issues.every((issue) => issue.variable !== undefined)) {
        return { ...result, inputIssues: toIssues(issues) };
      }
    }
    if (isLoomError(error)) return { ...result, renderError: error.message };
    throw error;
  }
}

/** Template problems that make a version unusable: syntax errors and names nobody declared. */
function templateIssues(engine: TemplateEngine, draft: EditorDraft): LoomIssue[] {
  const deadline = templateDeadline();
  return (['system', 'user'] as const).flatMap((part) => {
    const check = checkTemplate(engine, part, draft, deadline);
    return [
      ...check.errors.map((e) => ({ path: part, line: e.line, column: e.column, message: e.message })),
      ...check.undeclared.map((u) => ({
        path: part,
        line: u.line,
        column: u.column,
        variable: u.name,
        message: `"${u.name}" is not a declared variable (line ${u.line}, column ${u.column}): declare it or remove it.`,
      })),
    ];
  });
}

/**
 * Stores the draft as a new immutable version. Refuses (storing nothing) a draft whose templates do
 * not parse or use undeclared names, whose variables or examples are invalid, and a save based on
 * a version that is no longer the latest (CONFLICT with `details.latest`).
 */
export async function saveEditorVersion(
  registry: PromptRegistry,
  engine: TemplateEngine,
  input: z.output<typeof saveVersionSchema>,
  author: string,
): Promise<{ version: number }> {
  const { id, expectedLatest, message, draft } = input;
  const definition = checkDefinition(id, draft);
  if (!definition.ok) {
    throw new LoomError('INVALID_INPUT', 'The variables or examples need attention.', {
      issues: definition.issues,
    });
  }
  const problems = templateIssues(engine, draft);
  if (problems.length > 0) {
    const code = problems.some((p) => p.variable === undefined) ? 'TEMPLATE_SYNTAX' : 'INVALID_INPUT';
    throw new LoomError(code, 'The templates need attention before saving.', { issues: problems });
  }
  // The editor does not edit metadata: carry it over from the version it started from.
  const base = expectedLatest > 0 ? await registry.find(id, expectedLatest) : undefined;
  const saved = await registry.save(
    { ...definition.data, metadata: base?.metadata ?? {} },
    { author, message, expectedLatest },
  );
  return { version: saved.version };
}

/** Whether a prompt id is taken (archived prompts included), for the "new prompt" form. */
export async function isPromptIdTaken(registry: PromptRegistry, id: string): Promise<boolean> {
  try {
    await registry.getLatest(id);
    return true;
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) return false;
    throw error;
  }
}
