// Shapes shared by the editor UI, the preview route and the save action. Plain data only: they
// cross the network as JSON.
import type { Example, Message, ModelSettings, Variable } from '@/lib/loom/core/prompt';

/** What the editor edits: a prompt version without the fields the registry owns. */
export interface EditorDraft {
  name: string;
  description: string;
  tags: string[];
  system: string;
  user: string;
  variables: Variable[];
  examples: Example[];
  model: ModelSettings;
}

/** The version the editor loaded (0 for a prompt that does not exist yet) and its content. */
export interface EditorBase {
  id: string;
  version: number;
  author?: string;
  draft: EditorDraft;
}

/** A problem at a path such as `variables.1.default` or `examples.0.input.tone`. */
export interface EditorIssue {
  path: string;
  message: string;
}

/** One template's static analysis, positions 1-based. */
export interface TemplateCheck {
  errors: { message: string; line: number; column: number }[];
  undeclared: { name: string; line: number; column: number }[];
  unused: string[];
}

export interface PreviewResult {
  templates: { system: TemplateCheck; user: TemplateCheck };
  /** Definition problems: variables, examples, model settings, template sizes. */
  issues: EditorIssue[];
  /** Problems of the sample input, keyed by variable name in `path`. */
  inputIssues: EditorIssue[];
  /** Exactly the messages that would be sent; null when the draft cannot render. */
  messages: Message[] | null;
  /** Why nothing rendered, when it is not a definition or input issue. */
  renderError: string | null;
  tokens: { input: number; maxOutput: number; isExact: boolean } | null;
  /** Estimated micro-dollars for the input plus max output tokens; null when the model has no price. */
  costMicros: number | null;
  model: string;
}

export type SaveVersionResult = { version: number };
