'use client';

import { useState } from 'react';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { ConfirmDialog } from '../prompts/confirm-dialog';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { formatClock } from './format';
import type { WebhookActions } from './types';

/**
 * The endpoint's signing secret: hidden until an admin reveals it (audited), and rotated on
 * request (for 24 hours every attempt is signed with both the new and the old one).
 */
export function SecretPanel({
  endpointId,
  reveal,
  rotate,
}: {
  endpointId: string;
  reveal: WebhookActions['reveal'];
  rotate: WebhookActions['rotate'];
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [isConfirming, setConfirming] = useState(false);
  // Set once rotated: until when the old secret still verifies (null: it no longer does).
  const [rotated, setRotated] = useState<{ previousValidUntil: Date | null } | null>(null);
  const [copied, setCopied] = useState(false);
  const revealing = useActionMutation(reveal, { onSuccess: (data) => setSecret(data.secret) });
  const rotating = useActionMutation(rotate, {
    onSuccess: (data) => {
      setSecret(data.secret);
      setRotated({ previousValidUntil: data.previousValidUntil });
      setConfirming(false);
    },
  });
  const failure = revealing.error ?? (isConfirming ? null : rotating.error);

  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Deliveries are signed with this secret as the Standard Webhooks specification says, in the headers{' '}
        <code className="font-mono text-xs">webhook-id</code>,{' '}
        <code className="font-mono text-xs">webhook-timestamp</code> and{' '}
        <code className="font-mono text-xs">webhook-signature</code>. Give it to your receiver to verify them.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid="webhook-secret"
          className="min-w-0 rounded bg-zinc-100 px-2 py-1 font-mono text-xs break-all dark:bg-zinc-800"
        >
          {secret ?? 'whsec_••••••••••••••••'}
        </code>
        {secret ? (
          <>
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
            <Button variant="ghost" onClick={() => setSecret(null)}>
              Hide
            </Button>
          </>
        ) : (
          <Button
            variant="secondary"
            disabled={revealing.isPending}
            onClick={() => revealing.mutate({ id: endpointId })}
          >
            {revealing.isPending ? 'Revealing…' : 'Reveal secret'}
          </Button>
        )}
        <Button variant="ghost" onClick={() => setConfirming(true)}>
          Rotate secret
        </Button>
      </div>
      {rotated ? (
        <Alert tone="info">
          {rotated.previousValidUntil
            ? `New secret in use. Deliveries are signed with the old one too until ${formatClock(new Date(rotated.previousValidUntil).toISOString())}: update your receiver before then.`
            : 'New secret in use: update your receiver now, the old one no longer verifies.'}
        </Alert>
      ) : null}
      {failure ? <Alert>{failure.message}</Alert> : null}
      {isConfirming ? (
        <ConfirmDialog
          open
          title="Rotate the signing secret?"
          confirmLabel="Rotate"
          isPending={rotating.isPending}
          {...(rotating.error ? { error: rotating.error.message } : {})}
          onConfirm={() => rotating.mutate({ id: endpointId })}
          onClose={() => setConfirming(false)}
        >
          Every delivery from now on, retries included, is signed with a new secret. For 24 hours it is signed
          with the current one too, so your receiver keeps accepting them while you give it the new one. A
          secret replaced by an earlier rotation stops verifying now.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
