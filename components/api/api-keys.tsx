'use client';

import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { ConfirmDialog } from '../prompts/confirm-dialog';
import { formatAge, formatTime } from '../prompts/format';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input } from '../ui/field';
import { TableScroll } from '../ui/table';
import { API_SCOPES, SCOPE_DESCRIPTIONS, type ApiKeyRow, type ApiScope, type CreatedApiKey } from './types';

/**
 * The create form (admins): a name and scopes; on success the secret is shown here once, with a
 * copy button and a curl line to try it, and is gone when the page is left.
 */
export function CreateApiKeyForm({
  create,
  origin,
}: {
  create: (input: { name: string; scopes: ApiScope[] }) => Promise<ActionResult<CreatedApiKey>>;
  origin: string;
}) {
  const [formKey, setFormKey] = useState(0);
  const [created, setCreated] = useState<CreatedApiKey>();
  const mutation = useActionMutation(create, {
    onSuccess: (data) => {
      setCreated(data);
      setFormKey((k) => k + 1);
    },
  });
  const fieldError = (name: string) => mutation.error?.error.fieldErrors?.[name]?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setCreated(undefined);
    mutation.mutate({
      name: String(form.get('name') ?? ''),
      scopes: API_SCOPES.filter((scope) => form.getAll('scopes').includes(scope)),
    });
  }

  return (
    <div className="space-y-4">
      {created ? <NewSecret created={created} origin={origin} onDone={() => setCreated(undefined)} /> : null}
      <form key={formKey} aria-label="Create an API key" onSubmit={onSubmit} className="space-y-4" noValidate>
        {mutation.error && !mutation.error.error.fieldErrors ? <Alert>{mutation.error.message}</Alert> : null}
        <Field
          label="Name"
          hint="Which application uses it, e.g. “checkout service”."
          error={fieldError('name')}
        >
          <Input name="name" required maxLength={100} autoComplete="off" />
        </Field>
        <fieldset aria-describedby={fieldError('scopes') ? 'scopes-error' : undefined}>
          <legend className="mb-1 text-sm font-medium">Scopes</legend>
          <div className="grid gap-1.5 sm:grid-cols-2">
            {API_SCOPES.map((scope) => (
              <label key={scope} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  defaultChecked={scope === 'prompts:read'}
                  className="mt-0.5"
                />
                <span>
                  <code className="font-mono text-xs">{scope}</code>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {SCOPE_DESCRIPTIONS[scope]}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {fieldError('scopes') ? (
            <p id="scopes-error" className="mt-1 text-sm text-red-700 dark:text-red-300">
              {fieldError('scopes')}
            </p>
          ) : null}
        </fieldset>
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Creating…' : 'Create key'}
        </Button>
      </form>
    </div>
  );
}

function NewSecret({
  created,
  origin,
  onDone,
}: {
  created: CreatedApiKey;
  origin: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const curl = `curl -H "Authorization: Bearer ${created.secret}" ${origin}/api/v1/prompts`;
  return (
    <section
      aria-label="New API key"
      className="space-y-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950"
    >
      <p className="font-medium text-emerald-900 dark:text-emerald-100">
        Key “{created.key.name}” created. Copy its secret now: it is shown only once and cannot be recovered.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid="new-api-key-secret"
          className="min-w-0 flex-1 rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100"
        >
          {created.secret}
        </code>
        <Button
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(created.secret).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy secret'}
        </Button>
      </div>
      <p className="text-emerald-900 dark:text-emerald-100">
        Public id <code className="font-mono text-xs break-all">{created.key.id}</code> (not secret: it names
        the key, and is the user name for HTTP Basic).
      </p>
      <p className="text-emerald-900 dark:text-emerald-100">Try it:</p>
      <pre className="rounded bg-white p-2 font-mono text-xs break-all whitespace-pre-wrap text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100">
        {curl}
      </pre>
      <Button variant="ghost" onClick={onDone}>
        I have stored it
      </Button>
    </section>
  );
}

/** The workspace's keys; admins get a Revoke button per active key (asked first). */
export function ApiKeysTable({
  rows,
  now,
  canManage,
  revoke,
}: {
  rows: ApiKeyRow[];
  now: string;
  canManage: boolean;
  revoke: (input: { id: string }) => Promise<ActionResult<unknown>>;
}) {
  const [confirming, setConfirming] = useState<ApiKeyRow>();
  const [revoked, setRevoked] = useState<string>();
  const mutation = useActionMutation(revoke, {
    onSuccess: () => {
      setRevoked(confirming?.name);
      setConfirming(undefined);
    },
  });

  if (rows.length === 0) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No API keys yet.{' '}
        {canManage ? 'Create one below to call the API from an application.' : 'An admin can create one.'}
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {revoked ? (
        <Alert tone="info">Key “{revoked}” is revoked: every call with it is now refused.</Alert>
      ) : null}
      <TableScroll label="API keys">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Secret</th>
              <th className="px-3 py-2">Scopes</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Last used</th>
              <th className="px-3 py-2">Status</th>
              {canManage ? (
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.id}
                data-testid="api-key-row"
                className="border-t border-zinc-100 align-top dark:border-zinc-800"
              >
                <td className="max-w-64 min-w-40 px-3 py-2">
                  <div className="font-medium break-words">{row.name}</div>
                  <div className="font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{row.id}</div>
                </td>
                <td className="px-3 py-2">
                  <code className="font-mono text-xs whitespace-nowrap">{row.prefix}…</code>
                </td>
                <td className="px-3 py-2">
                  <ul className="flex flex-wrap gap-1">
                    {row.scopes.map((scope) => (
                      <li
                        key={scope}
                        className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs whitespace-nowrap dark:bg-zinc-800"
                      >
                        {scope}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="max-w-48 px-3 py-2" title={formatTime(row.createdAt)}>
                  <div className="whitespace-nowrap">{formatAge(row.createdAt, now)}</div>
                  {row.createdBy ? (
                    <div className="text-xs break-all text-zinc-600 dark:text-zinc-400">
                      by {row.createdBy}
                    </div>
                  ) : null}
                </td>
                <td
                  className="px-3 py-2 whitespace-nowrap"
                  title={row.lastUsedAt ? formatTime(row.lastUsedAt) : undefined}
                >
                  {row.lastUsedAt ? formatAge(row.lastUsedAt, now) : 'Never'}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {row.revokedAt ? (
                    <span title={formatTime(row.revokedAt)} className="text-red-700 dark:text-red-300">
                      Revoked {formatAge(row.revokedAt, now)}
                    </span>
                  ) : (
                    <span className="text-emerald-700 dark:text-emerald-300">Active</span>
                  )}
                </td>
                {canManage ? (
                  <td className="px-3 py-2 text-right">
                    {row.revokedAt ? null : (
                      <Button
                        variant="ghost"
                        aria-label={`Revoke ${row.name}`}
                        onClick={() => {
                          mutation.reset();
                          setRevoked(undefined);
                          setConfirming(row);
                        }}
                      >
                        Revoke
                      </Button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {confirming ? (
        <ConfirmDialog
          open
          title={`Revoke “${confirming.name}”?`}
          confirmLabel="Revoke key"
          isPending={mutation.isPending}
          error={mutation.error?.message}
          onConfirm={() => mutation.mutate({ id: confirming.id })}
          onClose={() => setConfirming(undefined)}
        >
          Applications using <code className="font-mono text-xs">{confirming.prefix}…</code> are refused
          within a second, on every instance of the studio. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
