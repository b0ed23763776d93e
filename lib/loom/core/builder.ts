import { LoomError, type LoomIssue } from './errors';
import {
  promptSchema,
  type Example,
  type ModelSettings,
  type PromptDataInput,
  type Renderer,
  type Variable,
} from './prompt';
import { Prompt } from './prompt-object';
import { checkVariableValue, compileInputValidator, isMissingValue } from './validate-input';
import type { VariableSpec } from './variables';
import { issuesFromZod } from './zod-issues';

const LENGTH_TYPES = new Set<Variable['type']>(['string', 'list']);

/** Definition problems zod cannot see: constraints that do not fit the type or each other. */
function variableIssues(variables: readonly Variable[]): LoomIssue[] {
  const issues: LoomIssue[] = [];
  const seen = new Set<string>();
  variables.forEach((variable, index) => {
    const at = (field: string, message: string): void => {
      const path = `variables.${index}.${field}`;
      issues.push({ path, variable: variable.name, message: `variable "${variable.name}": ${message}` });
    };
    if (seen.has(variable.name)) at('name', 'is declared more than once');
    seen.add(variable.name);
    if (variable.type === 'enum' && (variable.values === undefined || variable.values.length === 0)) {
      at('values', 'an enum needs at least one value');
    }
    if (variable.type !== 'enum' && variable.values !== undefined) at('values', 'values apply to enums only');
    if (
      !LENGTH_TYPES.has(variable.type) &&
      (variable.minLength !== undefined || variable.maxLength !== undefined)
    ) {
      at('minLength', 'minLength/maxLength apply to strings and lists only');
    }
    if (variable.type !== 'string' && variable.pattern !== undefined)
      at('pattern', 'pattern applies to strings only');
    if (variable.type !== 'number' && (variable.min !== undefined || variable.max !== undefined)) {
      at('min', 'min/max apply to numbers only');
    }
    if (variable.min !== undefined && variable.max !== undefined && variable.min > variable.max) {
      at('min', `min (${variable.min}) is greater than max (${variable.max})`);
    }
    const { minLength, maxLength } = variable;
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      at('minLength', `minLength (${minLength}) is greater than maxLength (${maxLength})`);
    }
    if (variable.pattern !== undefined) {
      try {
        new RegExp(variable.pattern, 'u');
      } catch {
        at('pattern', `"${variable.pattern}" is not a valid regular expression`);
      }
    }
  });
  return issues;
}

/** Defaults must satisfy their own variable; valid ones are stored coerced ("42" becomes 42). */
function checkDefaults(variables: readonly Variable[]): { issues: LoomIssue[]; variables: Variable[] } {
  const issues: LoomIssue[] = [];
  const coerced = variables.map((variable, index) => {
    if (isMissingValue(variable.default)) return variable;
    const checked = checkVariableValue(variable, variable.default);
    if ('value' in checked) return { ...variable, default: checked.value };
    issues.push({
      path: `variables.${index}.default`,
      variable: variable.name,
      message: `variable "${variable.name}": the default ${checked.message}`,
    });
    return variable;
  });
  return { issues, variables: coerced };
}

function exampleIssues(variables: readonly Variable[], examples: readonly Example[]): LoomIssue[] {
  const validate = compileInputValidator(variables);
  const issues: LoomIssue[] = [];
  examples.forEach((example, index) => {
    try {
      validate(example.input);
    } catch (error) {
      if (!(error instanceof LoomError)) throw error;
      for (const issue of error.details.issues ?? []) {
        issues.push({
          ...issue,
          path: `examples.${index}.input.${issue.path ?? ''}`,
          message: `example ${index + 1}: ${issue.message}`,
        });
      }
    }
  });
  return issues;
}

/**
 * Fluent prompt builder in the seed's spirit. Each call returns the same builder; `build` checks
 * everything at once and throws one INVALID_INPUT listing every problem.
 */
export class PromptBuilder {
  private readonly draft: PromptDataInput & { variables: Variable[]; examples: Example[]; tags: string[] };

  constructor(id: string) {
    this.draft = { id, version: 0, name: id, variables: [], examples: [], tags: [] };
  }

  name(name: string): this {
    this.draft.name = name;
    return this;
  }

  description(description: string): this {
    this.draft.description = description;
    return this;
  }

  tags(...tags: string[]): this {
    this.draft.tags.push(...tags);
    return this;
  }

  system(template: string): this {
    this.draft.system = template;
    return this;
  }

  user(template: string): this {
    this.draft.user = template;
    return this;
  }

  variable(name: string, spec: VariableSpec): this {
    this.draft.variables.push({ ...spec, name });
    return this;
  }

  example(example: Example): this {
    this.draft.examples.push(example);
    return this;
  }

  model(settings: Partial<ModelSettings>): this {
    this.draft.model = { provider: 'openai', model: 'gpt-4o-mini', ...settings };
    return this;
  }

  metadata(metadata: Record<string, unknown>): this {
    this.draft.metadata = { ...this.draft.metadata, ...metadata };
    return this;
  }

  /** Validates the draft and returns an immutable Prompt, rendering with `renderer` when given. */
  build(renderer?: Renderer): Prompt {
    const parsed = promptSchema.safeParse(this.draft);
    const issues: LoomIssue[] = parsed.success ? [] : issuesFromZod(parsed.error);
    const { variables, examples } = this.draft;
    const definitionIssues = variableIssues(variables);
    issues.push(...definitionIssues);
    // Value checks need sound definitions (an invalid pattern cannot check anything).
    let checkedVariables = variables;
    if (definitionIssues.length === 0) {
      const defaults = checkDefaults(variables);
      checkedVariables = defaults.variables;
      issues.push(...defaults.issues);
      if (defaults.issues.length === 0) issues.push(...exampleIssues(checkedVariables, examples));
    }
    if (!parsed.success || issues.length > 0) {
      throw new LoomError(
        'INVALID_INPUT',
        `Invalid prompt "${this.draft.id}": ${issues.map((i) => i.message).join('; ')}`,
        {
          issues,
        },
      );
    }
    return Prompt.from({ ...parsed.data, variables: checkedVariables }, renderer);
  }
}

/** Starts a prompt definition: `prompt('support-reply').user('Hi {{ name }}').build(engine)`. */
export function prompt(id: string): PromptBuilder {
  return new PromptBuilder(id);
}
