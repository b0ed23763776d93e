import { LoomError } from './errors';
import {
  promptSchema,
  type Input,
  type PromptData,
  type PromptDataInput,
  type Rendered,
  type Renderer,
} from './prompt';
import { issuesFromZod } from './zod-issues';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A prompt version with the renderer that turns it into messages. The data is a frozen deep copy:
 * neither the caller who built it nor anyone reading `prompt.data` can change it afterwards.
 */
export class Prompt {
  readonly data: Readonly<PromptData>;
  readonly renderer: Renderer | undefined;

  private constructor(data: Readonly<PromptData>, renderer: Renderer | undefined) {
    this.data = data;
    this.renderer = renderer;
  }

  /** Validates data (registries return plain copies) and wraps a frozen deep copy of it. */
  static from(data: PromptDataInput, renderer?: Renderer): Prompt {
    const parsed = promptSchema.safeParse(data);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      throw new LoomError('INVALID_INPUT', `Invalid prompt: ${issues.map((i) => i.message).join('; ')}`, {
        issues,
      });
    }
    return new Prompt(deepFreeze(structuredClone(parsed.data)), renderer);
  }

  get id(): string {
    return this.data.id;
  }

  get version(): number {
    return this.data.version;
  }

  get name(): string {
    return this.data.name;
  }

  /** A new Prompt sharing this (immutable) data with another renderer. */
  withRenderer(renderer: Renderer): Prompt {
    return new Prompt(this.data, renderer);
  }

  render(input: Input, options: { signal?: AbortSignal } = {}): Promise<Rendered> {
    if (this.renderer === undefined) {
      return Promise.reject(
        new LoomError(
          'INVALID_INPUT',
          `Prompt "${this.id}" has no renderer attached: use prompt.withRenderer(engine) or attach(data, engine)`,
        ),
      );
    }
    // Not async: an extra async frame would add promise hops to every render.
    try {
      return this.renderer.render(this.data, input, options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

/** Makes a renderable Prompt from registry data. */
export function attach(data: PromptDataInput, renderer: Renderer): Prompt {
  return Prompt.from(data, renderer);
}
