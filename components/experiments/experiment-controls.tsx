'use client';

import { useState } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { ConfirmDialog } from '../prompts/confirm-dialog';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Textarea } from '../ui/field';
import type { ExperimentPhase, ExperimentSummaryView } from './types';

export type ChangePhase = (input: {
  id: string;
  action: 'start' | 'pause' | 'resume' | 'stop';
  reason?: string;
}) => Promise<ActionResult<ExperimentSummaryView>>;

export type PromoteWinner = (input: {
  experimentId: string;
}) => Promise<
  ActionResult<{ promptId: string; label: string; from: number | null; to: number; variant: string }>
>;

/** Start, pause, resume and stop (stop asks why); shown to roles that may promote. */
export function PhaseControls({
  id,
  phase,
  changePhase,
}: {
  id: string;
  phase: ExperimentPhase;
  changePhase: ChangePhase;
}) {
  const [stopping, setStopping] = useState(false);
  const [reason, setReason] = useState('');
  const mutation = useActionMutation(changePhase, { onSuccess: () => setStopping(false) });
  const act = (action: 'start' | 'pause' | 'resume') => mutation.mutate({ id, action });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {phase === 'draft' ? (
        <Button onClick={() => act('start')} disabled={mutation.isPending}>
          Start experiment
        </Button>
      ) : null}
      {phase === 'running' ? (
        <Button variant="secondary" onClick={() => act('pause')} disabled={mutation.isPending}>
          Pause
        </Button>
      ) : null}
      {phase === 'paused' ? (
        <Button variant="secondary" onClick={() => act('resume')} disabled={mutation.isPending}>
          Resume
        </Button>
      ) : null}
      {phase === 'running' || phase === 'paused' ? (
        <Button variant="secondary" onClick={() => setStopping(true)} disabled={mutation.isPending}>
          Stop…
        </Button>
      ) : null}
      {mutation.error && !stopping ? <Alert>{mutation.error.message}</Alert> : null}
      {stopping ? (
        <ConfirmDialog
          open
          title="Stop the experiment?"
          confirmLabel="Stop experiment"
          isPending={mutation.isPending}
          {...(mutation.error ? { error: mutation.error.message } : {})}
          onConfirm={() => mutation.mutate({ id, action: 'stop', reason })}
          onClose={() => setStopping(false)}
        >
          <p className="mb-3">Every unit gets production again. A stopped experiment cannot restart.</p>
          <Field label="Reason" error={mutation.error?.error.fieldErrors?.reason?.[0]}>
            <Textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** Promote winner, with a confirm dialog that says what will move; disabled with the reason why. */
export function PromoteWinnerButton({
  experimentId,
  promptId,
  winner,
  production,
  blockedBy,
  promoteWinner,
}: {
  experimentId: string;
  promptId: string;
  winner: { name: string; version: number } | null;
  production: number | null;
  blockedBy: string | null;
  promoteWinner: PromoteWinner;
}) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const mutation = useActionMutation(promoteWinner, {
    onSuccess: (data) => {
      setOpen(false);
      setDone(
        `Production of ${data.promptId} moved from ${data.from === null ? 'nowhere' : `v${data.from}`} to v${data.to} (${data.variant}); the experiment is completed and the change is in the audit log.`,
      );
    },
  });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          onClick={() => setOpen(true)}
          disabled={blockedBy !== null || mutation.isPending}
          data-testid="promote-winner"
        >
          Promote winner
        </Button>
        {blockedBy ? (
          <span className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="promote-blocked">
            {blockedBy}
          </span>
        ) : null}
      </div>
      {done ? (
        <Alert tone="info">
          <span data-testid="promote-done">{done}</span>
        </Alert>
      ) : null}
      {open && winner ? (
        <ConfirmDialog
          open
          title={`Promote ${winner.name} to production?`}
          confirmLabel="Promote winner"
          isPending={mutation.isPending}
          {...(mutation.error ? { error: mutation.error.message } : {})}
          onConfirm={() => mutation.mutate({ experimentId })}
          onClose={() => setOpen(false)}
        >
          Production of <strong>{promptId}</strong> moves from{' '}
          {production === null ? 'nowhere' : `v${production}`} to <strong>v{winner.version}</strong>, through
          the release gate. The experiment completes and every unit gets the new production version.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
