'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { ConfirmDialog } from '../prompts/confirm-dialog';
import { Button } from '../ui/button';
import type { WebhookActions } from './types';

/** Deletes the endpoint and its log after a confirmation, then goes back to the list. */
export function DeleteEndpoint({
  endpointId,
  url,
  remove,
}: {
  endpointId: string;
  url: string;
  remove: WebhookActions['remove'];
}) {
  const router = useRouter();
  const [isConfirming, setConfirming] = useState(false);
  const mutation = useActionMutation(remove, { onSuccess: () => router.push('/settings/webhooks') });
  return (
    <>
      <Button variant="danger" onClick={() => setConfirming(true)}>
        Delete endpoint
      </Button>
      {isConfirming ? (
        <ConfirmDialog
          open
          title="Delete this endpoint?"
          confirmLabel="Delete"
          isPending={mutation.isPending}
          {...(mutation.error ? { error: mutation.error.message } : {})}
          onConfirm={() => mutation.mutate({ id: endpointId })}
          onClose={() => setConfirming(false)}
        >
          <span className="break-all">{url}</span> stops receiving events, and its delivery log is deleted
          with it. Pending deliveries are never sent.
        </ConfirmDialog>
      ) : null}
    </>
  );
}
