'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button, buttonClasses } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Select } from '../ui/field';
import { formatPercent } from '@/components/suites/format';
import type { GateSettings, GateSuiteOption } from './gate-types';
import { promptKeys } from './query-keys';

export interface SaveGateInput {
  promptId: string;
  suiteId: string | null;
  minPassRate: number | null;
  requireNoRegression: boolean;
}
export type SaveGate = (input: SaveGateInput) => Promise<ActionResult<GateSettings>>;

/** The gate in one sentence, for everyone (and the admin's form's summary). */
export function describeGate(gate: GateSettings): string {
  if (gate.suiteId === null) return 'No release gate: any editor may promote any version.';
  const suite = gate.suiteName === null ? 'a suite that no longer exists' : `suite “${gate.suiteName}”`;
  const conditions = [
    gate.minPassRate === null ? null : `a pass rate of at least ${formatPercent(gate.minPassRate)}`,
    gate.requireNoRegression ? 'no significant regression against the production version’s run' : null,
  ].filter((c): c is string => c !== null);
  return `Production needs a finished run of ${suite} on the version with ${conditions.join(' and ')}.`;
}

/**
 * The prompt's release gate: admins choose the suite whose runs are the evidence, a minimum pass
 * rate and/or "no significant regression"; everyone else reads it. The server enforces it.
 */
export function ReleaseGate({
  promptId,
  gate,
  suites,
  canManage,
  save,
}: {
  promptId: string;
  gate: GateSettings;
  suites: GateSuiteOption[];
  canManage: boolean;
  save: SaveGate;
}) {
  const [saved, setSaved] = useState(false);
  const saving = useActionMutation(save, { invalidate: [promptKeys.all], onSuccess: () => setSaved(true) });
  const fieldError = (name: string) => saving.error?.error.fieldErrors?.[name]?.[0];
  const summary = (
    <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="gate-summary">
      {describeGate(gate)}
      {gate.suiteId !== null && gate.suiteName !== null ? (
        <>
          {' '}
          <Link href={`/suites/${encodeURIComponent(gate.suiteId)}`} className="text-accent underline">
            Open the suite
          </Link>
        </>
      ) : null}
    </p>
  );
  if (!canManage) {
    return (
      <div className="space-y-1">
        {summary}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Only an admin can change the gate.</p>
      </div>
    );
  }
  const knownSuites =
    gate.suiteId !== null && !suites.some((s) => s.id === gate.suiteId)
      ? [...suites, { id: gate.suiteId, name: gate.suiteName ?? 'Missing suite' }]
      : suites;
  if (knownSuites.length === 0) {
    return (
      <div className="space-y-3">
        {summary}
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No suite targets this prompt yet. Create one, run it on a version, and it can gate production.
        </p>
        <Link href="/suites/new" className={buttonClasses('secondary')}>
          New suite
        </Link>
      </div>
    );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const suiteId = String(form.get('suiteId') ?? '');
    const percent = String(form.get('minPassRate') ?? '').trim();
    const requireNoRegression = form.get('requireNoRegression') === 'on';
    saving.mutate({
      promptId,
      suiteId: suiteId === '' ? null : suiteId,
      minPassRate: percent === '' ? null : Number(percent) / 100,
      requireNoRegression,
    });
  }

  return (
    <form aria-label="Release gate" onSubmit={onSubmit} className="space-y-4" noValidate>
      {summary}
      <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_minmax(0,10rem)] sm:items-start">
        <Field label="Suite" error={fieldError('suiteId')} hint="Its runs are the evidence.">
          <Select name="suiteId" defaultValue={gate.suiteId ?? ''}>
            <option value="">No gate</option>
            {knownSuites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Minimum pass rate (%)" error={fieldError('minPassRate')} hint="Empty: no minimum.">
          <Input
            name="minPassRate"
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="any"
            defaultValue={gate.minPassRate === null ? '' : String(Math.round(gate.minPassRate * 1000) / 10)}
          />
        </Field>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="requireNoRegression"
          defaultChecked={gate.requireNoRegression}
          className="mt-0.5"
        />
        <span>
          No significant regression against the run of the current production version
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">
            Cases are paired with production’s run of the same suite (McNemar’s test, 5% level).
          </span>
        </span>
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={saving.isPending}>
          Save gate
        </Button>
        {saved && !saving.isPending ? (
          <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Gate saved.
          </span>
        ) : null}
      </div>
      {saving.error && !fieldError('suiteId') && !fieldError('minPassRate') ? (
        <Alert>{saving.error.message}</Alert>
      ) : null}
    </form>
  );
}
