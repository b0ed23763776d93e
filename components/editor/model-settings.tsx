'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { ModelSettings } from '@/lib/loom/core/prompt';
import { CONTROL } from './controls';
import { IssueList } from './issue-list';
import { issuesAt } from './issues';
import type { EditorIssue } from './types';

/** Models to offer per provider; `source` says whether the provider answered or we fell back. */
export interface ModelChoices {
  providers: {
    name: string;
    label: string;
    models: string[];
    source: 'provider' | 'price-list';
    note?: string;
  }[];
}

/** Paths whose messages show beside their own field; any other model problem shows below the form. */
const FIELD_PATHS = new Set(['model.model', 'model.temperature', 'model.maxTokens', 'model.stop']);

function optionalNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function withField<K extends keyof ModelSettings>(
  settings: ModelSettings,
  key: K,
  value: ModelSettings[K] | undefined,
): ModelSettings {
  const next = { ...settings };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

export function ModelSettingsForm({
  settings,
  choices,
  onChange,
  issues,
  readOnly,
}: {
  settings: ModelSettings;
  choices: ModelChoices;
  onChange: (settings: ModelSettings) => void;
  issues: readonly EditorIssue[];
  readOnly: boolean;
}) {
  const [stopText, setStopText] = useState((settings.stop ?? []).join('\n'));
  const provider = choices.providers.find((p) => p.name === settings.provider);
  const providerNames = choices.providers.map((p) => p.name);
  if (!providerNames.includes(settings.provider)) providerNames.unshift(settings.provider);

  return (
    <div className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2" data-testid="model-settings">
      <label className="space-y-1">
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Provider</span>
        <select
          className={CONTROL}
          aria-label="Provider"
          disabled={readOnly}
          value={settings.provider}
          onChange={(e) => onChange({ ...settings, provider: e.target.value })}
        >
          {providerNames.map((name) => (
            <option key={name} value={name}>
              {choices.providers.find((p) => p.name === name)?.label ?? name}
            </option>
          ))}
        </select>
      </label>
      <label className="space-y-1">
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Model</span>
        <input
          className={CONTROL}
          aria-label="Model"
          list="editor-model-options"
          readOnly={readOnly}
          value={settings.model}
          aria-invalid={issuesAt(issues, 'model.model').length > 0}
          onChange={(e) => onChange({ ...settings, model: e.target.value })}
        />
        <IssueList messages={issuesAt(issues, 'model.model')} />
        <datalist id="editor-model-options">
          {(provider?.models ?? []).map((model) => (
            <option key={model} value={model} />
          ))}
        </datalist>
        <span className="block text-xs text-zinc-500">
          {provider?.source === 'provider'
            ? `${provider.models.length} models from ${provider.label}`
            : (provider?.note ?? 'Suggestions from the price list; any model name is accepted.')}
        </span>
      </label>
      <label className="space-y-1">
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Temperature (0–2)</span>
        <input
          type="number"
          step="0.1"
          min={0}
          max={2}
          className={CONTROL}
          aria-label="Temperature"
          aria-invalid={issuesAt(issues, 'model.temperature').length > 0}
          readOnly={readOnly}
          value={settings.temperature ?? ''}
          onChange={(e) => onChange(withField(settings, 'temperature', optionalNumber(e.target.value)))}
        />
        <IssueList messages={issuesAt(issues, 'model.temperature')} />
      </label>
      <label className="space-y-1">
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Max tokens</span>
        <input
          type="number"
          min={1}
          step={1}
          className={CONTROL}
          aria-label="Max tokens"
          aria-invalid={issuesAt(issues, 'model.maxTokens').length > 0}
          readOnly={readOnly}
          value={settings.maxTokens ?? ''}
          onChange={(e) => onChange(withField(settings, 'maxTokens', optionalNumber(e.target.value)))}
        />
        <IssueList messages={issuesAt(issues, 'model.maxTokens')} />
      </label>
      <label className="space-y-1 sm:col-span-2">
        <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Stop sequences (one per line, at most 4)
        </span>
        <textarea
          className={CONTROL}
          rows={2}
          aria-label="Stop sequences"
          aria-invalid={issuesAt(issues, 'model.stop').length > 0}
          readOnly={readOnly}
          value={stopText}
          onChange={(e) => {
            setStopText(e.target.value);
            const stop = e.target.value.split('\n').filter((line) => line !== '');
            onChange(withField(settings, 'stop', stop.length > 0 ? stop : undefined));
          }}
        />
        <IssueList messages={issuesAt(issues, 'model.stop')} />
      </label>
      {provider ? null : <UnconfiguredProvider name={settings.provider} />}
      <div className="sm:col-span-2">
        <IssueList
          messages={issues
            .filter((issue) => issue.path.startsWith('model') && !FIELD_PATHS.has(issue.path))
            .map((issue) => issue.message)}
          testId="model-issues"
        />
      </div>
    </div>
  );
}

/** Said where the provider is chosen: runs of this prompt fail until the provider exists. */
function UnconfiguredProvider({ name }: { name: string }) {
  return (
    <p
      role="alert"
      data-testid="provider-warning"
      className="rounded border border-amber-300 sm:col-span-2 bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
    >
      The provider &quot;{name}&quot; is not configured in this workspace, so runs of this prompt will fail.
      Pick a configured provider above, or ask an admin to add it under{' '}
      <Link href="/settings/providers" className="underline">
        Settings → Providers
      </Link>
      .
    </p>
  );
}
