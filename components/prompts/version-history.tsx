'use client';

import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert, Card } from '../ui/card';
import { ConfirmDialog } from './confirm-dialog';
import { formatAge, formatTime } from './format';
import { promptKeys } from './query-keys';
import { PRODUCTION, STAGING, type VersionRow } from './types';
import { comparePairFor, VersionDiff } from './version-diff';

interface LabelMove {
  label: string;
  from?: number;
  to: number;
}
type Promote = (input: { promptId: string; version: number }) => Promise<ActionResult<LabelMove>>;
type SetLabel = (input: {
  promptId: string;
  label: string;
  version: number;
}) => Promise<ActionResult<LabelMove>>;
type RemoveLabel = (input: { promptId: string; label: string }) => Promise<ActionResult<unknown>>;

/**
 * The History tab: versions with author, time, message and labels; promote / roll back with a
 * confirmation; other labels; and the diff of any two versions. Buttons show only for roles the
 * server will accept (it checks again).
 */
export function VersionHistory({
  promptId,
  versions,
  now,
  canPromote,
  canWrite,
  promote,
  setLabel,
  removeLabel,
}: {
  promptId: string;
  versions: VersionRow[];
  now: string;
  canPromote: boolean;
  canWrite: boolean;
  promote: Promote;
  setLabel: SetLabel;
  removeLabel: RemoveLabel;
}) {
  const production = versions.find((v) => v.labels.includes(PRODUCTION))?.version;
  const latest = versions[0]?.version ?? 1;
  const [pair, setPair] = useState({ from: versions[1]?.version ?? latest, to: latest });
  const [pending, setPending] = useState<number | null>(null);
  const promotion = useActionMutation(promote, {
    invalidate: [promptKeys.all],
    onSuccess: () => setPending(null),
  });
  const labelling = useActionMutation(setLabel, { invalidate: [promptKeys.all] });
  const removal = useActionMutation(removeLabel, { invalidate: [promptKeys.all] });
  const isRollback = pending !== null && production !== undefined && pending < production;

  function onSetLabel(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    labelling.mutate({
      promptId,
      label: String(form.get('label') ?? ''),
      version: Number(form.get('version')),
    });
  }

  const labelError = labelling.error ?? removal.error;
  return (
    <div className="space-y-6">
      <Card title="Versions">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-zinc-500 uppercase">
            <tr>
              <th className="pb-2">Version</th>
              <th className="pb-2">Message</th>
              <th className="pb-2">Author</th>
              <th className="pb-2">Saved</th>
              <th className="pb-2">Labels</th>
              <th className="sr-only pb-2">Actions</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr
                key={v.version}
                data-testid="version-row"
                aria-label={`Version ${v.version}`}
                className="border-t border-zinc-100 align-top dark:border-zinc-800"
              >
                <td className="py-2 font-medium">v{v.version}</td>
                <td className="py-2 pr-4">
                  {v.message ?? <span className="text-zinc-400">no message</span>}
                </td>
                <td className="py-2 pr-4">{v.author ?? 'unknown'}</td>
                <td className="py-2 pr-4" title={formatTime(v.createdAt)}>
                  {formatAge(v.createdAt, now)}
                </td>
                <td className="py-2 pr-4">
                  <span className="inline-flex flex-wrap gap-1">
                    {v.labels.map((label) => (
                      <span
                        key={label}
                        data-testid={`version-label-${label}`}
                        className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${
                          label === PRODUCTION
                            ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
                            : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
                        }`}
                      >
                        {label}
                        {canWrite && label !== PRODUCTION ? (
                          <button
                            type="button"
                            aria-label={`Remove label ${label}`}
                            disabled={removal.isPending}
                            onClick={() => removal.mutate({ promptId, label })}
                            className="text-zinc-500 hover:text-red-600"
                          >
                            ×
                          </button>
                        ) : null}
                      </span>
                    ))}
                  </span>
                </td>
                <td className="space-x-1 py-2 text-right whitespace-nowrap">
                  <Button variant="ghost" onClick={() => setPair(comparePairFor(versions, v.version))}>
                    Compare
                  </Button>
                  {canPromote && v.version !== production ? (
                    <Button variant="secondary" onClick={() => setPending(v.version)}>
                      {production !== undefined && v.version < production ? 'Roll back' : 'Promote'}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>

      {canWrite ? (
        <Card title="Labels">
          <form
            aria-label="Set a label"
            onSubmit={onSetLabel}
            className="flex flex-wrap items-end gap-3"
            noValidate
          >
            <label className="space-y-1 text-sm">
              <span className="block font-medium">Label</span>
              <input
                name="label"
                list="label-suggestions"
                defaultValue={STAGING}
                aria-invalid={Boolean(labelling.error?.error.fieldErrors?.label)}
                className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 dark:border-zinc-700 dark:bg-zinc-900"
              />
              <datalist id="label-suggestions">
                <option value={STAGING} />
              </datalist>
            </label>
            <label className="space-y-1 text-sm">
              <span className="block font-medium">Version</span>
              <select
                name="version"
                defaultValue={latest}
                className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 dark:border-zinc-700 dark:bg-zinc-900"
              >
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" variant="secondary" disabled={labelling.isPending}>
              Set label
            </Button>
            <p className="w-full text-xs text-zinc-500">
              Production moves only through Promote and Roll back, which ask for confirmation.
            </p>
          </form>
          {labelError ? (
            <div className="mt-3">
              <Alert>{labelling.error?.error.fieldErrors?.label?.[0] ?? labelError.message}</Alert>
            </div>
          ) : null}
        </Card>
      ) : null}

      <Card title="Compare versions">
        <VersionDiff
          promptId={promptId}
          versions={versions}
          from={pair.from}
          to={pair.to}
          onChange={setPair}
        />
      </Card>

      <ConfirmDialog
        open={pending !== null}
        title={isRollback ? `Roll back production to v${pending}?` : `Promote v${pending} to production?`}
        confirmLabel={isRollback ? 'Roll back' : 'Promote'}
        isPending={promotion.isPending}
        error={promotion.error?.message}
        onClose={() => {
          setPending(null);
          promotion.reset();
        }}
        onConfirm={() => {
          if (pending !== null) promotion.mutate({ promptId, version: pending });
        }}
      >
        {production === undefined
          ? 'Nothing is in production yet. Applications asking for production will get this version.'
          : `Production serves v${production} now; applications will get v${pending} from their next request.`}
      </ConfirmDialog>
    </div>
  );
}
