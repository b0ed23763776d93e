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
import { plainIssues } from './editor-issues';
import { sortKeys } from '../sort-keys';
import { templateDeadline } from '../template-budget';

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

/**
 * The action's own check is only the request's shape: the draft and the commit message are checked
 * together by `checkSave`, so a refused save names every bad field at once, in the editor's words.
 */
export const saveVersionSchema = z.object({
  id: promptIdSchema,
  /** The version the editor loaded; 0 when the prompt is new. */
  expectedLatest: z.number().int().nonnegative(),
  message: z.string(),
  draft: z.unknown(),
});
export type SaveVersionInput = z.input<typeof saveVersionSchema>;

const messageSchema = z.string().trim().min(1, 'Say what changed.').max(1000);

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

/** Definition problems (variables, defaults, examples against variables), or the built data. */
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

type DraftCheck =
  | {
      ok: true;
      draft: EditorDraft;
      data: PromptData;
      templates: { system: TemplateCheck; user: TemplateCheck };
    }
  | { ok: false; issues: EditorIssue[]; templates: { system: TemplateCheck; user: TemplateCheck } };

/** The parts whose problems can be checked on their own: a bad temperature must not hide a bad variable. */
const TEMPLATE_PARTS = ['system', 'user', 'variables', 'examples'] as const;

/**
 * Every problem of a draft at once, in plain words at their paths: fields of the wrong shape, and,
 * whenever templates, variables and examples are well-formed (whatever the other fields hold), the
 * definition's problems and the templates' syntax and undeclared names.
 */
function checkDraft(engine: TemplateEngine, id: string, raw: unknown, deadline: Deadline): DraftCheck {
  const parsed = editorDraftSchema.safeParse(raw);
  const shapeIssues = parsed.success ? [] : plainIssues(parsed.error);
  let draft = parsed.data;
  if (!draft) {
    const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const parts = TEMPLATE_PARTS.map((key) => editorDraftSchema.shape[key].safeParse(record[key]));
    if (parts.some((part) => !part.success)) {
      return { ok: false, issues: shapeIssues, templates: { system: EMPTY_CHECK, user: EMPTY_CHECK } };
    }
    const [system, user, variables, examples] = parts.map((part) => part.data) as [
      string,
      string,
      EditorDraft['variables'],
      EditorDraft['examples'],
    ];
    // Stand-ins for the fields that failed, so only the parts that parsed are judged again.
    const standInModel = { provider: 'stand-in', model: 'stand-in' };
    draft = { ...emptyBase(id, id, standInModel).draft, system, user, variables, examples };
  }
  const templates = {
    system: checkTemplate(engine, 'system', draft, deadline),
    user: checkTemplate(engine, 'user', draft, deadline),
  };
  const definition = checkDefinition(id, draft);
  const issues = [...shapeIssues, ...(definition.ok ? [] : definition.issues)];
  const templatesOk = [templates.system, templates.user].every(
    (t) => t.errors.length === 0 && t.undeclared.length === 0,
  );
  if (issues.length > 0 || !templatesOk || !definition.ok || !parsed.success) {
    return { ok: false, issues, templates };
  }
  return { ok: true, draft, data: definition.data, templates };
}

/**
 * Renders a draft with sample input for the live preview. Persists nothing and never throws for
 * problems in the draft or the input: they come back as issues for the editor to show in place.
 */
export async function previewDraft(
  engine: TemplateEngine,
  rawDraft: unknown,
  input: Record<string, unknown>,
): Promise<PreviewResult> {
  const deadline = templateDeadline();
  const check = checkDraft(engine, 'preview', rawDraft, deadline);
  const result: PreviewResult = {
    templates: check.templates,
    issues: check.ok ? [] : check.issues,
    inputIssues: [],
    messages: null,
    renderError: null,
    tokens: null,
    costMicros: null,
    model: check.ok ? check.draft.model.model : '',
  };
  if (!check.ok) return result;
  try {
    const rendered = await engine.render(check.data, input, { deadline });
    const maxOutput = check.draft.model.maxTokens ?? 0;
    const cost = await estimate({
      model: check.draft.model.model,
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

/** Template problems as issues on the template they are in, with their position in the text. */
function templateIssues(templates: { system: TemplateCheck; user: TemplateCheck }): LoomIssue[] {
  return (['system', 'user'] as const).flatMap((part) => [
    ...templates[part].errors.map((e) => ({
      path: part,
      line: e.line,
      column: e.column,
      message: `Line ${e.line}, column ${e.column}: ${e.message}`,
    })),
    ...templates[part].undeclared.map((u) => ({
      path: part,
      line: u.line,
      column: u.column,
      variable: u.name,
      message: `"${u.name}" is not a declared variable (line ${u.line}, column ${u.column}): declare it or remove it.`,
    })),
  ]);
}

/** Content equality of the parts a version is made of, whatever the key order. */
function sameContent(a: PromptData, b: PromptData): boolean {
  const parts = (data: PromptData) => JSON.stringify(sortKeys(toEditorBase(data).draft));
  return parts(a) === parts(b);
}

/**
 * Stores the draft as a new immutable version. Refuses, storing nothing and naming every problem at
 * once: a missing commit message, a draft whose fields, variables or examples are invalid or whose
 * templates do not parse or use undeclared names, a draft identical to the version it started from,
 * and a save based on a version that is no longer the latest (CONFLICT with `details.latest`).
 */
export async function saveEditorVersion(
  registry: PromptRegistry,
  engine: TemplateEngine,
  input: z.output<typeof saveVersionSchema>,
  author: string,
): Promise<{ version: number }> {
  const { id, expectedLatest } = input;
  const message = messageSchema.safeParse(input.message);
  const check = checkDraft(engine, id, input.draft, templateDeadline());
  const problems: LoomIssue[] = [
    ...(message.success ? [] : plainIssues(message.error, 'message')),
    ...(check.ok ? [] : check.issues),
    ...templateIssues(check.templates),
  ];
  if (problems.length > 0 || !check.ok || !message.success) {
    const isSyntax = [check.templates.system, check.templates.user].some((t) => t.errors.length > 0);
    const count = new Set(problems.map((p) => p.path)).size;
    throw new LoomError(
      isSyntax ? 'TEMPLATE_SYNTAX' : 'INVALID_INPUT',
      `Not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} attention (marked below).`,
      { issues: problems },
    );
  }
  // The editor does not edit metadata: carry it over from the version it started from.
  const base = expectedLatest > 0 ? await registry.find(id, expectedLatest) : undefined;
  if (base && sameContent(base, check.data)) {
    throw new LoomError(
      'INVALID_INPUT',
      `Nothing to save: the draft is identical to v${base.version}. Change something first.`,
    );
  }
  const saved = await registry.save(
    { ...check.data, metadata: base?.metadata ?? {} },
    { author, message: message.data, expectedLatest },
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
