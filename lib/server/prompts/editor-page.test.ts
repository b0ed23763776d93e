import { describe, expect, it } from 'vitest';
import type { ModelChoices } from '@/components/editor/model-settings';
import { defaultModelSettings } from './editor-page';

type Choice = ModelChoices['providers'][number];
const choice = (name: string, models: string[], source: Choice['source'] = 'provider'): Choice => ({
  name,
  label: name,
  models,
  source,
});

describe('defaultModelSettings (a new prompt starts on a configured provider)', () => {
  it('takes the first configured provider, not a provider named openai that does not exist', () => {
    expect(
      defaultModelSettings({ providers: [choice('simulator', ['gpt-4o', 'gpt-4o-mini', 'sim-slow'])] }),
    ).toEqual({ provider: 'simulator', model: 'gpt-4o-mini' });
  });

  it('asks for a model the provider lists', () => {
    expect(defaultModelSettings({ providers: [choice('local', ['llama3.2', 'qwen2.5:7b'])] })).toEqual({
      provider: 'local',
      model: 'llama3.2',
    });
  });

  it('keeps the usual model when the provider did not answer with its list', () => {
    expect(defaultModelSettings({ providers: [choice('work', ['gpt-4o'], 'price-list')] })).toEqual({
      provider: 'work',
      model: 'gpt-4o-mini',
    });
  });

  it('names openai when nothing is configured (the editor then warns)', () => {
    expect(defaultModelSettings({ providers: [] })).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
  });
});
