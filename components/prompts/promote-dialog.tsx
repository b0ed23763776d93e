'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Field, Textarea } from '../ui/field';
import {
  CHECK_TITLE,
  evidenceLinks,
  MAX_OVERRIDE_REASON,
  MIN_OVERRIDE_REASON,
  type GateCheck,
  type GateResult,
} from './gate-types';
import { promptKeys } from './query-keys';

export interface LabelMove {
  label: string;
  from?: number;
  to: number;
}
export type Promote = (input: {
  promptId: string;
  version: number;
  overrideReason?: string;
}) => Promise<ActionResult<LabelMove>>;

async function fetchGate(promptId: string, version: number): Promise<GateResult> {
  const params = new URLSearchParams({ id: promptId, version: String(version) });
  const response = await fetch(`/api/prompts/gate?${params}`);
  if (!response.ok) throw new Error(`The release gate could not be checked (HTTP ${response.status}).`);
  return (await response.json()) as GateResult;
}

function CheckRow({ check }: { check: GateCheck }) {
  const links = evidenceLinks(check.evidence);
  return (
    <li
      data-testid="gate-check"
      className={`rounded-md border px-3 py-2 ${
        check.passed
          ? 'border-emerald-200 bg-emerald-50 dark:border-emerald-900 dark:bg-emerald-950/40'
          : 'border-red-200 bg-red-50 dark:border-red-900 dark:bg-red-950/40'
      }`}
    >
      <p className="flex items-center gap-2 font-medium text-zinc-900 dark:text-zinc-100">
        <span
          aria-hidden
          className={
            check.passed ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'
          }
        >
          {check.passed ? '✓' : '✗'}
        </span>
        {CHECK_TITLE[check.kind]}
        <span className="sr-only">{check.passed ? ': passed' : ': failed'}</span>
      </p>
      <p className="mt-1 break-words text-zinc-700 dark:text-zinc-300">{check.message}</p>
      {links.run || links.compare ? (
        <p className="mt-1 flex flex-wrap gap-x-3 text-xs">
          {links.run ? (
            <Link href={links.run} className="text-accent underline">
              Open the run
            </Link>
          ) : null}
          {links.compare ? (
            <Link href={links.compare} className="text-accent underline">
              Compare with production’s run
            </Link>
          ) : null}
        </p>
      ) : null}
    </li>
  );
}

/**
 * Promote (or roll back) with the release gate shown: each check's finding with links to its
 * evidence. A failing gate disables the move; an admin may override it with a written reason.
 * The server checks again whatever this shows.
 */
export function PromoteDialog({
  promptId,
  version,
  production,
  canOverride,
  promote,
  onClose,
}: {
  promptId: string;
  version: number;
  production: number | undefined;
  canOverride: boolean;
  promote: Promote;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [reason, setReason] = useState('');
  const [isOverriding, setOverriding] = useState(false);
  const gate = useQuery({
    queryKey: promptKeys.gate(promptId, version),
    queryFn: () => fetchGate(promptId, version),
    staleTime: 0,
  });
  const promotion = useActionMutation(promote, { invalidate: [promptKeys.all], onSuccess: onClose });
  const isRollback = production !== undefined && version < production;
  const verb = isRollback ? 'Roll back' : 'Promote';

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      const isLost = document.activeElement === null || document.activeElement === document.body;
      if (isLost && opener?.isConnected) opener.focus();
    };
  }, []);

  const result = gate.data;
  const isFailing = result !== undefined && !result.passed;
  const reasonError = promotion.error?.error.fieldErrors?.overrideReason?.[0];
  const trimmed = reason.trim().length;
  const reasonFits = trimmed >= MIN_OVERRIDE_REASON && trimmed <= MAX_OVERRIDE_REASON;
  const serverError = reasonError ? undefined : promotion.error?.message;

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] max-w-lg overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 shadow-lg backdrop:bg-black/30 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {isRollback ? `Roll back production to v${version}?` : `Promote v${version} to production?`}
      </h2>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {production === undefined
          ? 'Nothing is in production yet. Applications asking for production will get this version.'
          : `Production serves v${production} now; applications will get v${version} from their next request.`}
      </p>

      <section aria-label="Release gate" className="mt-4 space-y-2 text-sm">
        {gate.isPending ? (
          <p className="text-zinc-600 dark:text-zinc-400">Checking the release gate…</p>
        ) : gate.isError ? (
          <p role="alert" className="text-red-700 dark:text-red-300">
            {gate.error.message} The server still checks it when you {verb.toLowerCase()}.
          </p>
        ) : !result || !result.enabled ? (
          <p className="text-zinc-600 dark:text-zinc-400">This prompt has no release gate.</p>
        ) : (
          <>
            <h3 className="font-semibold">
              Release gate:{' '}
              <span
                data-testid="gate-verdict"
                className={
                  result.passed ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'
                }
              >
                {result.passed ? 'passed' : 'failed'}
              </span>
            </h3>
            <ul className="space-y-2">
              {result.checks.map((check) => (
                <CheckRow key={check.kind} check={check} />
              ))}
            </ul>
            {isFailing ? (
              <p className="text-zinc-700 dark:text-zinc-300">
                {canOverride
                  ? `v${version} cannot be promoted until it passes. As an admin you may override the gate with a reason, which goes into the audit log.`
                  : `v${version} cannot be promoted until it passes. An admin may override the gate.`}
              </p>
            ) : null}
          </>
        )}
      </section>

      {isFailing && canOverride && isOverriding ? (
        <div className="mt-4">
          <Field
            label="Why promote despite the gate?"
            error={reasonError}
            hint={`${MIN_OVERRIDE_REASON}–${MAX_OVERRIDE_REASON} characters; recorded in the audit log.`}
          >
            <Textarea
              name="overrideReason"
              rows={3}
              maxLength={MAX_OVERRIDE_REASON}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          </Field>
        </div>
      ) : null}

      {serverError ? (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
          {serverError}
        </p>
      ) : null}

      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        {isFailing && canOverride ? (
          isOverriding ? (
            <Button
              variant="danger"
              disabled={promotion.isPending || !reasonFits}
              onClick={() => promotion.mutate({ promptId, version, overrideReason: reason })}
            >
              Override and {verb.toLowerCase()}
            </Button>
          ) : (
            <Button variant="danger" onClick={() => setOverriding(true)}>
              Override and {verb.toLowerCase()}…
            </Button>
          )
        ) : null}
        <Button
          onClick={() => promotion.mutate({ promptId, version })}
          disabled={promotion.isPending || gate.isPending || isFailing}
        >
          {verb}
        </Button>
      </div>
    </dialog>
  );
}
