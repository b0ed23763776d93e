import 'server-only';
import type { ModelChoices } from '@/components/editor/model-settings';
import { isLoomError } from '@/lib/loom/core';
import type { ModelSettings } from '@/lib/loom/core/prompt';
import { DEFAULT_PRICES } from '@/lib/loom/cost';
import type { Viewer } from '../auth/session';
import { getPrisma } from '../db';
import { logger } from '../logger';
import { listModelsFor, listProviderConfigs } from '../providers';

/** The editor must open promptly even when a provider is down: its model list is then the price list. */
const MODEL_LIST_TIMEOUT_MS = 1500;
const PRICE_LIST_MODELS = Object.keys(DEFAULT_PRICES).sort();
/** The model a new prompt asks for when its provider offers it (the simulator and OpenAI do). */
const PREFERRED_MODEL = 'gpt-4o-mini';

/**
 * The model picker's options: each configured provider's own model list when it answers in time,
 * else the models we know prices for, with a note saying why. Only configured providers appear
 * (real ones before the simulator), so the editor can tell a prompt whose provider is missing.
 */
export async function loadModelChoices(viewer: Pick<Viewer, 'workspaceId'>): Promise<ModelChoices> {
  const listed = await listProviderConfigs(await getPrisma(), viewer.workspaceId);
  const configs = [...listed.filter((c) => !c.isSimulator), ...listed.filter((c) => c.isSimulator)];
  const providers = await Promise.all(
    configs.map(async (config) => {
      const label = config.isSimulator ? `${config.name} (simulator)` : config.name;
      try {
        const models = await listModelsFor(viewer, config.name, {
          signal: AbortSignal.timeout(MODEL_LIST_TIMEOUT_MS),
        });
        return {
          name: config.name,
          label,
          models: models.map((m) => m.id).sort(),
          source: 'provider' as const,
        };
      } catch (error) {
        if (!isLoomError(error)) logger.warn({ provider: config.name, error }, 'model list failed');
        return {
          name: config.name,
          label,
          models: PRICE_LIST_MODELS,
          source: 'price-list' as const,
          note: `${config.name} did not answer with its models; suggestions come from the price list.`,
        };
      }
    }),
  );
  return { providers };
}

/**
 * A new prompt's model settings: the first configured provider (a real one before the simulator)
 * and a model it offers. With nothing configured it names `openai`, which the editor flags.
 */
export function defaultModelSettings(choices: ModelChoices): ModelSettings {
  const first = choices.providers[0];
  if (!first) return { provider: 'openai', model: PREFERRED_MODEL };
  const offered = first.source === 'provider' ? first.models : [];
  const model = offered.length === 0 || offered.includes(PREFERRED_MODEL) ? PREFERRED_MODEL : offered[0];
  return { provider: first.name, model: model ?? PREFERRED_MODEL };
}
