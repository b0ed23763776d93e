'use client';

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert, Card } from '../ui/card';
import { formatAge, formatTime } from './format';
import { PromoteDialog, type LabelMove, type Promote } from './promote-dialog';
import { promptKeys } from './query-keys';
import { isProtectedLabel, PRODUCTION, STAGING, type VersionRow } from './types';
import { comparePairFor, VersionDiff } from './version-diff';

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
  canOverride = false,
  gate,
  promote,
  setLabel,
  removeLabel,
}: {
  promptId: string;
  versions: VersionRow[];
  now: string;
  canPromote: boolean;
  canWrite: boolean;
  /** Admins may promote a version that fails the release gate, with a reason. */
  canOverride?: boolean;
  /** Shown right under the versions, beside promotion (the release gate's card). */
  gate?: ReactNode;
  promote: Promote;
  setLabel: SetLabel;
  removeLabel: RemoveLabel;
}) {
  const production = versions.find((v) => v.labels.includes(PRODUCTION))?.version;
  const latest = versions[0]?.version ?? 1;
  const [pair, setPair] = useState({ from: versions[1]?.version ?? latest, to: latest });
  const [pending, setPending] = useState<number | null>(null);
  const [labelNotice, setLabelNotice] = useState<string | null>(null);
  const labelling = useActionMutation(setLabel, { invalidate: [promptKeys.all] });
  const removal = useActionMutation(removeLabel, { invalidate: [promptKeys.all] });
  const labelErrorId = useId();

  function onSetLabel(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const label = String(form.get('label') ?? '');
    const version = Number(form.get('version'));
    setLabelNotice(null);
    labelling.reset();
    // Production is what applications serve: it takes the confirmed Promote / Roll back path.
    if (isProtectedLabel(label)) {
      if (!canPromote) setLabelNotice(`Your role cannot move ${PRODUCTION}; ask an admin to promote.`);
      else if (version === production) setLabelNotice(`Production already serves v${version}.`);
      else setPending(version);
      return;
    }
    labelling.mutate({ promptId, label, version });
  }

  const labelError =
    labelNotice ??
    labelling.error?.error.fieldErrors?.label?.[0] ??
    (labelling.error ?? removal.error)?.message;
  return (
    <div className="space-y-6">
      <Card title="Versions">
        {/* On a phone the table scrolls inside its own box; the page itself never scrolls sideways. */}
        <div className="relative -mx-4 overflow-x-auto px-4">
          <table className="w-full min-w-[36rem] text-sm">
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
                  <td className="py-2 pr-4 break-words">
                    {v.message ?? <span className="text-zinc-500 dark:text-zinc-400">no message</span>}
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
                          title={label}
                          className={`inline-flex max-w-48 items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${
                            label === PRODUCTION
                              ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
                              : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
                          }`}
                        >
                          <span className="truncate">{label}</span>
                          {canWrite && !isProtectedLabel(label) ? (
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
                    {versions.length > 1 ? (
                      <Button
                        variant="ghost"
                        aria-label={`Compare v${v.version}`}
                        onClick={() => setPair(comparePairFor(versions, v.version))}
                      >
                        Compare
                      </Button>
                    ) : null}
                    {canPromote && v.version !== production ? (
                      production !== undefined && v.version < production ? (
                        <Button
                          variant="secondary"
                          aria-label={`Roll back to v${v.version}`}
                          onClick={() => setPending(v.version)}
                        >
                          Roll back
                        </Button>
                      ) : (
                        <Button
                          variant="secondary"
                          aria-label={`Promote v${v.version}`}
                          onClick={() => setPending(v.version)}
                        >
                          Promote
                        </Button>
                      )
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      {gate}

      {canWrite ? (
        <Card title="Labels">
          <form
            aria-label="Set a label"
            onSubmit={onSetLabel}
            className="flex flex-wrap items-end gap-3"
            noValidate
          >
            <label className="w-full max-w-xs min-w-0 space-y-1 text-sm sm:w-auto">
              <span className="block font-medium">Label</span>
              <input
                name="label"
                list="label-suggestions"
                defaultValue={STAGING}
                aria-invalid={Boolean(labelNotice ?? labelling.error?.error.fieldErrors?.label)}
                aria-describedby={labelError ? labelErrorId : undefined}
                className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 dark:border-zinc-700 dark:bg-zinc-900"
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
              Production moves only through Promote and Roll back, which ask for confirmation; setting it here
              asks the same question.
            </p>
          </form>
          {labelError ? (
            <div className="mt-3" id={labelErrorId}>
              <Alert>{labelError}</Alert>
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

      {/* Mounted only while asking, so no closed dialog with a half-made name sits in the page. */}
      {pending !== null ? (
        <PromoteDialog
          key={pending}
          promptId={promptId}
          version={pending}
          production={production}
          canOverride={canOverride}
          promote={promote}
          onClose={() => setPending(null)}
        />
      ) : null}
    </div>
  );
}
