'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/field';
import { RANGE_LABELS, RANGE_PRESETS } from './types';
import { viewHref, type FilterValues } from './view-href';

/**
 * The dashboards' filters. Everything lives in the URL (a view can be shared or bookmarked): the
 * presets are links, a select applies at once, and a custom range applies with its button.
 */
export function FilterBar({
  basePath,
  values,
  prompts,
  models,
  sources,
  extra = {},
}: {
  basePath: string;
  values: FilterValues;
  /** Choices for the prompt filter; omitted on a prompt's own page. */
  prompts?: { id: string; name: string }[];
  models: string[];
  sources: string[];
  /** Other view state to keep in the URL (e.g. how the cost chart is stacked). */
  extra?: Record<string, string>;
}) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [fromDay, setFromDay] = useState(values.fromDay ?? '');
  const [toDay, setToDay] = useState(values.toDay ?? '');
  const go = (next: FilterValues) => startTransition(() => router.push(viewHref(basePath, next, extra)));
  const modelChoices = values.model && !models.includes(values.model) ? [values.model, ...models] : models;

  function applyCustom(event: FormEvent) {
    event.preventDefault();
    go({ ...values, preset: 'custom', fromDay, toDay });
  }

  return (
    <div
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
      aria-busy={isPending}
      data-testid="dashboard-filters"
    >
      <nav aria-label="Range" className="flex flex-wrap items-center gap-1">
        {RANGE_PRESETS.map((preset) => {
          const isActive = values.preset === preset;
          return (
            <Link
              key={preset}
              href={viewHref(basePath, { ...values, preset }, extra)}
              aria-current={isActive ? 'page' : undefined}
              title={RANGE_LABELS[preset]}
              className={`rounded-md px-2.5 py-1 text-sm ${
                isActive
                  ? 'bg-accent font-medium text-white'
                  : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800'
              }`}
            >
              {preset}
            </Link>
          );
        })}
        {isPending ? (
          <span role="status" className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">
            Updating…
          </span>
        ) : null}
      </nav>
      <div className="flex flex-wrap items-end gap-3">
        {prompts ? (
          <Field label="Prompt" className="min-w-44 flex-1">
            <Select
              value={values.promptId ?? ''}
              onChange={(event) => go({ ...values, promptId: event.target.value || undefined })}
            >
              <option value="">All prompts</option>
              {prompts.map((prompt) => (
                <option key={prompt.id} value={prompt.id}>
                  {prompt.name}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <Field label="Model" className="min-w-44 flex-1">
          <Select
            value={values.model ?? ''}
            onChange={(event) => go({ ...values, model: event.target.value || undefined })}
          >
            <option value="">All models</option>
            {modelChoices.map((model) => (
              <option key={model} value={model}>
                {model}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Source" className="min-w-44 flex-1">
          <Select
            value={values.source ?? ''}
            onChange={(event) => go({ ...values, source: event.target.value || undefined })}
          >
            <option value="">All sources</option>
            {sources.map((source) => (
              <option key={source} value={source}>
                {source}
              </option>
            ))}
          </Select>
        </Field>
        <form onSubmit={applyCustom} className="flex flex-wrap items-end gap-2" aria-label="Custom range">
          <Field label="From">
            <Input
              type="date"
              value={fromDay}
              onChange={(event) => setFromDay(event.target.value)}
              required
            />
          </Field>
          <Field label="To">
            <Input type="date" value={toDay} onChange={(event) => setToDay(event.target.value)} required />
          </Field>
          <Button type="submit" variant="secondary">
            Apply
          </Button>
        </form>
      </div>
    </div>
  );
}
