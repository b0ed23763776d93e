import 'server-only';
import type { ModelChoices } from '@/components/editor/model-settings';
import { isLoomError } from '@/lib/loom/core';
import { DEFAULT_PRICES } from '@/lib/loom/cost';
import type { Viewer } from './auth/session';
import { getPrisma } from './db';
import { logger } from './logger';
import { listModelsFor, listProviderConfigs } from './providers';

/** The editor must open promptly even when a provider is down: its model list is then the price list. */
const MODEL_LIST_TIMEOUT_MS = 1500;
const PRICE_LIST_MODELS = Object.keys(DEFAULT_PRICES).sort();

/**
 * The model picker's options: each configured provider's own model list when it answers in time,
 * else the models we know prices for, with a note saying why.
 */
export async function loadModelChoices(viewer: Pick<Viewer, 'workspaceId'>): Promise<ModelChoices> {
  const configs = await listProviderConfigs(await getPrisma(), viewer.workspaceId);
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
  if (providers.length === 0) {
    providers.push({
      name: 'openai',
      label: 'openai',
      models: PRICE_LIST_MODELS,
      source: 'price-list',
      note: 'No provider is configured yet; suggestions come from the price list.',
    });
  }
  return { providers };
}
