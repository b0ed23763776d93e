'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/field';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';

export interface StartRunsRequest {
  suiteId: string;
  versions: Array<number | 'production'>;
  provider?: string;
  model?: string;
  concurrency: number;
}

export interface StartedRunsView {
  batchId: string;
  runs: { id: string; version: number }[];
}

const MAX_CONCURRENCY = 32;

/**
 * Starts runs of the suite: one per chosen version ("production" preselected), with an optional
 * provider/model override and a concurrency. A refused start lists the cases that do not fit.
 */
export function StartRunForm({
  suiteId,
  versions,
  providers,
  startRuns,
}: {
  suiteId: string;
  versions: { version: number; labels: string[]; message: string }[];
  providers: string[];
  startRuns: (input: StartRunsRequest) => Promise<ActionResult<StartedRunsView>>;
}) {
  const production = versions.find((v) => v.labels.includes('production'));
  const hasProduction = production !== undefined;
  const [chosen, setChosen] = useState<Array<number | 'production'>>(
    hasProduction ? ['production'] : versions[0] ? [versions[0].version] : [],
  );
  const [provider, setProvider] = useState('');
  const [model, setModel] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const start = useActionMutation(startRuns);

  const toggle = (value: number | 'production') =>
    setChosen((current) =>
      current.includes(value) ? current.filter((v) => v !== value) : [...current, value],
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate({
      suiteId,
      versions: chosen,
      concurrency: Number(concurrency),
      ...(provider ? { provider } : {}),
      ...(model.trim() ? { model: model.trim() } : {}),
    });
  };

  const fieldErrors = start.error?.error.fieldErrors ?? {};
  const caseProblems = fieldErrors.cases ?? [];
  const otherProblems = Object.entries(fieldErrors).filter(
    ([key]) => !['cases', 'versions', 'provider', 'model', 'concurrency'].includes(key),
  );
  const concurrencyNumber = Number(concurrency);
  const concurrencyError =
    fieldErrors.concurrency?.[0] ??
    (Number.isInteger(concurrencyNumber) && concurrencyNumber >= 1 && concurrencyNumber <= MAX_CONCURRENCY
      ? undefined
      : `A whole number from 1 to ${MAX_CONCURRENCY}.`);

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Start a run">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-700 dark:text-zinc-300">Versions to run</legend>
        <div className="flex flex-wrap gap-2">
          {hasProduction ? (
            <label className="inline-flex items-center gap-2 rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700">
              <input
                type="checkbox"
                checked={chosen.includes('production')}
                onChange={() => toggle('production')}
              />
              production (now v{production.version})
            </label>
          ) : null}
          {versions.map((v) => (
            <label
              key={v.version}
              className="inline-flex max-w-full items-center gap-2 rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700"
              title={v.message || undefined}
            >
              <input
                type="checkbox"
                checked={chosen.includes(v.version)}
                onChange={() => toggle(v.version)}
              />
              <span className="truncate">
                v{v.version}
                {v.labels.length > 0 ? ` · ${v.labels.join(', ')}` : ''}
              </span>
            </label>
          ))}
        </div>
        {versions.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            The suite&apos;s prompt has no versions yet: save a version of it first.
          </p>
        ) : null}
        {fieldErrors.versions ? (
          <p className="text-xs font-medium text-red-700 dark:text-red-300">{fieldErrors.versions[0]}</p>
        ) : null}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Provider" hint="Blank: each version's own." error={fieldErrors.provider?.[0]}>
          <Select value={provider} onChange={(e) => setProvider(e.target.value)}>
            <option value="">Version&apos;s own provider</option>
            {providers.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Model" hint="Blank: each version's own." error={fieldErrors.model?.[0]}>
          <Input value={model} onChange={(e) => setModel(e.target.value)} placeholder="e.g. gpt-4o-mini" />
        </Field>
        <Field label="Concurrency" hint="Cases in flight at once per run." error={concurrencyError}>
          <Input
            type="number"
            min={1}
            max={MAX_CONCURRENCY}
            step={1}
            value={concurrency}
            onChange={(e) => setConcurrency(e.target.value)}
          />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={start.isPending || chosen.length === 0 || Boolean(concurrencyError)}>
          {start.isPending ? 'Starting…' : chosen.length > 1 ? `Start ${chosen.length} runs` : 'Start run'}
        </Button>
        {start.data ? (
          <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            Started{' '}
            {start.data.runs.map((run, i) => (
              <span key={run.id}>
                {i > 0 ? ', ' : ''}
                <Link
                  className="text-accent underline"
                  href={`/suites/${encodeURIComponent(suiteId)}/runs/${encodeURIComponent(run.id)}`}
                >
                  v{run.version}
                </Link>
              </span>
            ))}
            .
          </p>
        ) : null}
      </div>
      {start.error ? (
        <div
          role="alert"
          className="space-y-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          <p>{start.error.message}</p>
          {caseProblems.length > 0 || otherProblems.length > 0 ? (
            <ul className="list-disc space-y-1 pl-5 break-words">
              {caseProblems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
              {otherProblems.flatMap(([key, messages]) =>
                messages.map((message) => <li key={`${key}:${message}`}>{message}</li>),
              )}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
