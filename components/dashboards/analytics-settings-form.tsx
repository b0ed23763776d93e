'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';

/** Where the workspace's days and budget months start, and how long raw runs are kept. */
export function AnalyticsSettingsForm({
  initial,
  save,
}: {
  initial: { timeZone: string; retentionDays: number };
  save: (input: { timeZone: string; retentionDays: string }) => Promise<ActionResult<unknown>>;
}) {
  const [form, setForm] = useState({
    timeZone: initial.timeZone,
    retentionDays: String(initial.retentionDays),
  });
  const saving = useActionMutation(save);
  const fieldError = (name: string) => saving.error?.error.fieldErrors?.[name]?.[0];

  function submit(event: FormEvent) {
    event.preventDefault();
    saving.mutate(form);
  }

  return (
    <Card title="Days and retention">
      <form
        onSubmit={submit}
        className="flex flex-wrap items-end gap-3"
        aria-label="Analytics settings"
        noValidate
      >
        <Field
          label="Time zone"
          className="min-w-44 flex-1"
          error={fieldError('timeZone')}
          hint="Where a dashboard day and a budget month start, e.g. Europe/Paris"
        >
          <Input
            value={form.timeZone}
            onChange={(event) => setForm((f) => ({ ...f, timeZone: event.target.value }))}
          />
        </Field>
        <Field
          label="Keep raw runs for (days)"
          className="min-w-44 flex-1"
          error={fieldError('retentionDays')}
          hint="Older runs are pruned once rolled up; the charts keep their totals"
        >
          <Input
            inputMode="numeric"
            value={form.retentionDays}
            onChange={(event) => setForm((f) => ({ ...f, retentionDays: event.target.value }))}
          />
        </Field>
        <Button type="submit" disabled={saving.isPending}>
          {saving.isPending ? 'Saving…' : 'Save'}
        </Button>
      </form>
      {saving.error && !saving.error.error.fieldErrors ? <Alert>{saving.error.message}</Alert> : null}
      {saving.isSuccess ? (
        <p role="status" className="mt-2 text-sm text-emerald-700 dark:text-emerald-300">
          Saved.
        </p>
      ) : null}
    </Card>
  );
}
