'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { TableScroll } from '@/components/ui/table';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';

export interface PriceRow {
  id: string;
  provider: string;
  model: string;
  /** Dollars per million tokens. */
  inputPerMillionUsd: number;
  outputPerMillionUsd: number;
  /** ISO instant the price starts. */
  effectiveFrom: string;
  createdBy: string | null;
}

export interface PriceInput {
  provider: string;
  model: string;
  inputPerMillionUsd: string;
  outputPerMillionUsd: string;
  effectiveFrom: string;
}

const usd = (value: number) => `$${value.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;

/**
 * The workspace's model prices over the built-in table: each applies to calls from its day on, so
 * saving a price never rewrites the cost of calls already recorded.
 */
export function PriceSettings({
  rows,
  today,
  timeZone,
  initial,
  save,
  remove,
}: {
  rows: PriceRow[];
  /** Today in the workspace's zone (YYYY-MM-DD): a new price's default start. */
  today: string;
  timeZone: string;
  /** A model the page was opened for (the dashboards' "set its price" links). */
  initial: { model?: string; provider?: string };
  save: (input: PriceInput) => Promise<ActionResult<unknown>>;
  remove: (input: { id: string }) => Promise<ActionResult<unknown>>;
}) {
  const empty: PriceInput = {
    provider: initial.provider ?? '',
    model: initial.model ?? '',
    inputPerMillionUsd: '',
    outputPerMillionUsd: '',
    effectiveFrom: today,
  };
  const [form, setForm] = useState<PriceInput>(empty);
  const saving = useActionMutation(save, { onSuccess: () => setForm({ ...empty, model: '', provider: '' }) });
  const removing = useActionMutation(remove);
  const fieldError = (name: keyof PriceInput) => saving.error?.error.fieldErrors?.[name]?.[0];
  const set = (name: keyof PriceInput) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    saving.mutate(form);
  }

  return (
    <div className="space-y-6">
      <Card title="Set a price">
        <form onSubmit={submit} className="space-y-3" aria-label="Set a price" noValidate>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
            <Field label="Provider" error={fieldError('provider')} hint="As prompts name it, e.g. openai">
              <Input value={form.provider} onChange={set('provider')} autoComplete="off" />
            </Field>
            <Field label="Model" error={fieldError('model')}>
              <Input value={form.model} onChange={set('model')} autoComplete="off" />
            </Field>
            <Field label="Input, $ per million tokens" error={fieldError('inputPerMillionUsd')}>
              <Input
                inputMode="decimal"
                value={form.inputPerMillionUsd}
                onChange={set('inputPerMillionUsd')}
              />
            </Field>
            <Field label="Output, $ per million tokens" error={fieldError('outputPerMillionUsd')}>
              <Input
                inputMode="decimal"
                value={form.outputPerMillionUsd}
                onChange={set('outputPerMillionUsd')}
              />
            </Field>
            <Field label="From" error={fieldError('effectiveFrom')} hint={`Midnight, ${timeZone}`}>
              <Input type="date" value={form.effectiveFrom} onChange={set('effectiveFrom')} />
            </Field>
          </div>
          {saving.error && !saving.error.error.fieldErrors ? <Alert>{saving.error.message}</Alert> : null}
          {saving.isSuccess ? (
            <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
              Saved: calls from that day on are priced with it.
            </p>
          ) : null}
          <Button type="submit" disabled={saving.isPending}>
            {saving.isPending ? 'Saving…' : 'Save price'}
          </Button>
        </form>
      </Card>
      <Card title="Workspace prices">
        {rows.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No prices of your own: calls are priced with the built-in table. Models it does not know show as
            “without a price” on the dashboards until you set one here.
          </p>
        ) : (
          <TableScroll label="Workspace prices">
            <table className="w-full text-sm" data-testid="price-table">
              <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-800/50 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Model
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Input / M
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Output / M
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    From
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((row) => (
                  <tr key={row.id}>
                    <th scope="row" className="px-3 py-1.5 text-left font-normal break-words">
                      <span className="font-medium">{row.model}</span>{' '}
                      <span className="text-zinc-600 dark:text-zinc-400">({row.provider})</span>
                    </th>
                    <td className="px-3 py-1.5 text-right tabular-nums">{usd(row.inputPerMillionUsd)}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{usd(row.outputPerMillionUsd)}</td>
                    <td className="px-3 py-1.5 whitespace-nowrap">
                      {new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium' }).format(
                        new Date(row.effectiveFrom),
                      )}
                    </td>
                    <td className="px-3 py-1.5 text-right">
                      <Button
                        variant="ghost"
                        onClick={() => removing.mutate({ id: row.id })}
                        disabled={removing.isPending}
                        aria-label={`Delete the price of ${row.model} from ${row.effectiveFrom.slice(0, 10)}`}
                      >
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        {removing.error ? <Alert>{removing.error.message}</Alert> : null}
      </Card>
    </div>
  );
}
