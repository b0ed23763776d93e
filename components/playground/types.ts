// Serializable shapes the playground receives from its server page and the run route.
import type { Example, Message, ModelSettings, Variable } from '@/lib/loom/core/prompt';

export interface PlaygroundVersion {
  version: number;
  labels: string[];
  message: string | null;
}

export interface PlaygroundProvider {
  name: string;
  kind: 'openai' | 'ollama';
  isSimulator: boolean;
}

/** The parts of a prompt version the playground needs to build its form and defaults. */
export interface PlaygroundPrompt {
  id: string;
  version: number;
  variables: Variable[];
  examples: Example[];
  model: ModelSettings;
}

export interface RunIssue {
  path?: string;
  variable?: string;
  message: string;
  line?: number;
  column?: number;
}

/** The events of POST /api/prompts/[id]/run, in order: start, delta..., then done or error. */
export type RunEvent =
  | {
      type: 'start';
      promptId: string;
      version: number;
      provider: string;
      model: string;
      /** The rendered messages the provider is sent; absent when the input does not render. */
      messages?: Message[];
    }
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      latencyMs: number;
      inputTokens: number;
      outputTokens: number;
      /** Null when the model's price is unknown. */
      costMicros: number | null;
      model: string;
      finishReason: string;
      attempts: number;
    }
  | { type: 'error'; code: string; message: string; issues?: RunIssue[] };

export const SIMULATOR_DESCRIPTION = 'Simulator — offline demo, replies are generated locally';
