'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/card';
import { Field, Input, Select } from '@/components/ui/field';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { BudgetProgress } from './budget';
import type { BudgetView } from './types';

/** Monthly budgets of the workspace and of single prompts; alerts fire at 80% and 100%. */
export function BudgetSettings({
  budgets,
  prompts,
  save,
  remove,
}: {
  budgets: BudgetView[];
  prompts: { id: string; name: string }[];
  save: (input: { promptId: string; monthlyUsd: string }) => Promise<ActionResult<unknown>>;
  remove: (input: { promptId: string }) => Promise<ActionResult<unknown>>;
}) {
  const [form, setForm] = useState({ promptId: '', monthlyUsd: '' });
  const saving = useActionMutation(save, { onSuccess: () => setForm({ promptId: '', monthlyUsd: '' }) });
  const removing = useActionMutation(remove);
  const fieldError = (name: string) => saving.error?.error.fieldErrors?.[name]?.[0];

  function submit(event: FormEvent) {
    event.preventDefault();
    saving.mutate(form);
  }

  return (
    <Card title="Monthly budgets">
      <div className="space-y-4" id="budgets">
        <BudgetProgress budgets={budgets} canManage={false} />
        {budgets.length > 0 ? (
          <ul className="flex flex-wrap gap-2" aria-label="Remove a budget">
            {budgets.map((budget) => (
              <li key={budget.promptId}>
                <Button
                  variant="secondary"
                  onClick={() => removing.mutate({ promptId: budget.promptId })}
                  disabled={removing.isPending}
                >
                  Remove the budget of {budget.name}
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        {removing.error ? <Alert>{removing.error.message}</Alert> : null}
        <form
          onSubmit={submit}
          className="flex flex-wrap items-end gap-3"
          aria-label="Set a budget"
          noValidate
        >
          <Field label="For" className="min-w-44 flex-1" error={fieldError('promptId')}>
            <Select
              value={form.promptId}
              onChange={(event) => setForm((f) => ({ ...f, promptId: event.target.value }))}
            >
              <option value="">The whole workspace</option>
              {prompts.map((prompt) => (
                <option key={prompt.id} value={prompt.id}>
                  {prompt.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Budget, $ per month" className="min-w-44 flex-1" error={fieldError('monthlyUsd')}>
            <Input
              inputMode="decimal"
              value={form.monthlyUsd}
              onChange={(event) => setForm((f) => ({ ...f, monthlyUsd: event.target.value }))}
            />
          </Field>
          <Button type="submit" disabled={saving.isPending}>
            {saving.isPending ? 'Saving…' : 'Save budget'}
          </Button>
        </form>
        {saving.error && !saving.error.error.fieldErrors ? <Alert>{saving.error.message}</Alert> : null}
      </div>
    </Card>
  );
}
