'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ActionFailure, ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { SIMULATOR_DESCRIPTION } from '../playground/types';
import { Button } from '../ui/button';
import { Alert, Card } from '../ui/card';
import { Field, Input, Select } from '../ui/field';

/** A saved configuration as the browser may see it: the key only masked. */
export interface ProviderRow {
  name: string;
  kind: 'openai' | 'ollama';
  baseUrl: string | null;
  organization: string | null;
  apiKeyMasked: string | null;
  isSimulator: boolean;
  updatedAt: string;
  updatedBy: string | null;
}

export type ProviderDraftForm =
  | { kind: 'openai'; name: string; baseUrl?: string; organization?: string; apiKey?: string }
  | { kind: 'ollama'; name: string; host: string };

export interface ConnectionReport {
  models: number;
  sample: string[];
}

interface Actions {
  save: (input: ProviderDraftForm) => Promise<ActionResult<unknown>>;
  remove: (input: { name: string }) => Promise<ActionResult<unknown>>;
  test: (input: { name: string }) => Promise<ActionResult<ConnectionReport>>;
  testDraft: (input: ProviderDraftForm) => Promise<ActionResult<ConnectionReport>>;
}

interface FormState {
  kind: 'openai' | 'ollama';
  name: string;
  apiKey: string;
  baseUrl: string;
  organization: string;
  host: string;
  /** The mask of the stored key when editing a saved OpenAI configuration. */
  storedKey: string | null;
  /** The address that key was saved with: the server sends it nowhere else. */
  storedBaseUrl: string;
}

const EMPTY: FormState = {
  kind: 'openai',
  name: '',
  apiKey: '',
  baseUrl: '',
  organization: '',
  host: 'http://127.0.0.1:11434',
  storedKey: null,
  storedBaseUrl: '',
};

/** Mirrors the server's rule: a stored key is only sent to the address it was saved with. */
const keyNeedsRetyping = (form: FormState) =>
  form.kind === 'openai' &&
  form.storedKey !== null &&
  form.apiKey === '' &&
  form.baseUrl.trim().replace(/\/+$/, '') !== form.storedBaseUrl.replace(/\/+$/, '');

function toDraft(form: FormState): ProviderDraftForm {
  return form.kind === 'ollama'
    ? { kind: 'ollama', name: form.name, host: form.host }
    : {
        kind: 'openai',
        name: form.name,
        baseUrl: form.baseUrl,
        organization: form.organization,
        apiKey: form.apiKey,
      };
}

/** The outcome of a test or a deletion, in words: codes such as UNAVAILABLE stay out of sight. */
function ConnectionResult({
  report,
  failure,
  failedAction = 'Connection failed',
}: {
  report: ConnectionReport | undefined;
  failure: ActionFailure | null;
  failedAction?: string;
}) {
  if (failure) {
    const marked = failure.error.fieldErrors !== undefined;
    return (
      <div role="alert" data-testid="connection-result" className="text-sm text-red-700 dark:text-red-300">
        {marked ? 'Not tested: fix the marked field. ' : `${failedAction}: `}
        {marked ? null : failure.message}
      </div>
    );
  }
  if (!report) return null;
  return (
    <div
      role="status"
      data-testid="connection-result"
      className="text-sm text-emerald-700 dark:text-emerald-300"
    >
      Connected: {report.models} model{report.models === 1 ? '' : 's'}
      {report.sample.length
        ? ` (${report.sample.join(', ')}${report.models > report.sample.length ? ', …' : ''})`
        : ''}
    </div>
  );
}

function ProviderRowView({
  row,
  actions,
  onEdit,
}: {
  row: ProviderRow;
  actions: Actions;
  onEdit: (row: ProviderRow) => void;
}) {
  const test = useActionMutation(actions.test);
  const removal = useActionMutation(actions.remove);
  return (
    <tr className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid="provider-row">
      <td className="py-2 pr-3">
        <div className="font-medium">{row.name}</div>
        {row.isSimulator ? <div className="text-xs text-zinc-500">{SIMULATOR_DESCRIPTION}</div> : null}
      </td>
      <td className="py-2 pr-3">{row.kind === 'openai' ? 'OpenAI' : 'Ollama'}</td>
      <td className="py-2 pr-3 font-mono text-xs break-all" data-testid="provider-address">
        {row.baseUrl ?? 'api.openai.com'}
        {row.organization ? <div className="text-zinc-500">org {row.organization}</div> : null}
      </td>
      <td className="py-2 pr-3 font-mono text-xs" data-testid="provider-key">
        {row.apiKeyMasked ?? '—'}
      </td>
      <td className="space-y-2 py-2">
        <div className="flex flex-wrap gap-1">
          <Button
            variant="secondary"
            disabled={test.isPending}
            aria-label={`Test connection to ${row.name}`}
            onClick={() => {
              removal.reset();
              test.mutate({ name: row.name });
            }}
          >
            {test.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          {row.isSimulator ? null : (
            <Button variant="ghost" aria-label={`Edit ${row.name}`} onClick={() => onEdit(row)}>
              Edit
            </Button>
          )}
          <Button
            variant="ghost"
            aria-label={`Delete ${row.name}`}
            disabled={removal.isPending}
            onClick={() => {
              if (window.confirm(`Delete the provider "${row.name}"? Prompts that use it will not run.`))
                removal.mutate({ name: row.name });
            }}
          >
            Delete
          </Button>
        </div>
        {removal.error ? (
          <ConnectionResult report={undefined} failure={removal.error} failedAction="Not deleted" />
        ) : (
          <ConnectionResult report={test.data} failure={test.error} />
        )}
      </td>
    </tr>
  );
}

export function ProviderSettings({ rows, ...actions }: { rows: ProviderRow[] } & Actions) {
  const [form, setForm] = useState<FormState>(EMPTY);
  const save = useActionMutation(actions.save, { onSuccess: () => setForm(EMPTY) });
  const testDraft = useActionMutation(actions.testDraft);
  const fieldError = (name: string) => (save.error ?? testDraft.error)?.error.fieldErrors?.[name]?.[0];
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const formRef = useRef<HTMLFormElement>(null);
  const failure = save.error ?? testDraft.error;
  // A refused save or test lands on the first field it marked, so the message is where the eye is.
  useEffect(() => {
    if (failure?.error.fieldErrors)
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [failure]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    testDraft.reset();
    save.mutate(toDraft(form));
  }

  function edit(row: ProviderRow) {
    save.reset();
    testDraft.reset();
    setForm({
      ...EMPTY,
      kind: row.kind,
      name: row.name,
      baseUrl: row.kind === 'openai' ? (row.baseUrl ?? '') : '',
      organization: row.organization ?? '',
      host: row.kind === 'ollama' ? (row.baseUrl ?? '') : EMPTY.host,
      storedKey: row.apiKeyMasked,
      storedBaseUrl: row.kind === 'openai' ? (row.baseUrl ?? '') : '',
    });
  }

  return (
    <div className="space-y-6">
      <Card title={`${rows.length} provider${rows.length === 1 ? '' : 's'}`}>
        {rows.length === 0 ? (
          <p className="text-sm text-zinc-500">No provider yet: add one below.</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-zinc-500 uppercase">
              <tr>
                <th className="pb-2">Name</th>
                <th className="pb-2">Kind</th>
                <th className="pb-2">Address</th>
                <th className="pb-2">API key</th>
                <th className="pb-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <ProviderRowView key={row.name} row={row} actions={actions} onEdit={edit} />
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card
        title={
          form.storedKey !== null || rows.some((r) => r.name === form.name)
            ? `Update "${form.name}"`
            : 'Add a provider'
        }
      >
        <form
          ref={formRef}
          aria-label="Provider settings"
          onSubmit={onSubmit}
          className="grid grid-cols-1 gap-4 sm:grid-cols-2"
          noValidate
        >
          {save.error && !save.error.error.fieldErrors ? (
            <div className="sm:col-span-2">
              <Alert>{save.error.message}</Alert>
            </div>
          ) : null}
          {save.isSuccess ? (
            <div className="sm:col-span-2">
              <Alert tone="info">Saved. The key is stored encrypted and shown only masked.</Alert>
            </div>
          ) : null}
          <Field label="Kind">
            <Select
              value={form.kind}
              onChange={(e) => set({ kind: e.target.value === 'ollama' ? 'ollama' : 'openai' })}
            >
              <option value="openai">OpenAI (or compatible)</option>
              <option value="ollama">Ollama</option>
            </Select>
          </Field>
          <Field label="Name" error={fieldError('name')}>
            <Input
              value={form.name}
              placeholder={form.kind}
              onChange={(e) => set({ name: e.target.value })}
            />
          </Field>
          {form.kind === 'openai' ? (
            <>
              <Field label="API key" error={fieldError('apiKey')}>
                <Input
                  type="password"
                  autoComplete="off"
                  value={form.apiKey}
                  placeholder={
                    keyNeedsRetyping(form)
                      ? 'Enter the key again for the new address'
                      : form.storedKey
                        ? `Stored: ${form.storedKey} (leave blank to keep)`
                        : 'sk-…'
                  }
                  onChange={(e) => set({ apiKey: e.target.value })}
                />
              </Field>
              <Field label="Base URL" error={fieldError('baseUrl')}>
                <Input
                  value={form.baseUrl}
                  placeholder="https://api.openai.com/v1"
                  onChange={(e) => set({ baseUrl: e.target.value })}
                />
              </Field>
              <Field label="Organization" error={fieldError('organization')}>
                <Input value={form.organization} onChange={(e) => set({ organization: e.target.value })} />
              </Field>
            </>
          ) : (
            <Field label="Host" error={fieldError('host')}>
              <Input value={form.host} onChange={(e) => set({ host: e.target.value })} />
            </Field>
          )}
          <div className="flex flex-wrap items-center gap-2 sm:col-span-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={testDraft.isPending}
              onClick={() => {
                save.reset();
                testDraft.mutate(toDraft(form));
              }}
            >
              {testDraft.isPending ? 'Testing…' : 'Test connection'}
            </Button>
          </div>
          <div className="sm:col-span-2">
            <ConnectionResult report={testDraft.data} failure={testDraft.error} />
          </div>
        </form>
      </Card>
    </div>
  );
}
