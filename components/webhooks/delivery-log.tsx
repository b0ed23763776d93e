'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { fetchJson } from '../suites/fetch-json';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { TableScroll } from '../ui/table';
import { DeliveryStatusBadge } from './delivery-status';
import { formatClock, formatHttpStatus, formatLatency } from './format';
import {
  webhookQueryKeys,
  type WebhookActions,
  type WebhookDeliveryLog,
  type WebhookDeliveryRow,
} from './types';

/** While a delivery waits for its first attempt or a retry, the log is polled this often. */
const POLL_MS = 1_000;

function RedeliverButton({
  delivery,
  redeliver,
  onDone,
}: {
  delivery: WebhookDeliveryRow;
  redeliver: WebhookActions['redeliver'];
  onDone: () => void;
}) {
  const mutation = useActionMutation(redeliver, { onSuccess: onDone });
  return (
    <div className="space-y-1">
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs"
        disabled={mutation.isPending}
        aria-label={`Redeliver ${delivery.eventType} ${delivery.eventId}`}
        onClick={() => mutation.mutate({ deliveryId: delivery.id })}
      >
        {mutation.isPending ? 'Queuing…' : 'Redeliver'}
      </Button>
      {mutation.error ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {mutation.error.message}
        </p>
      ) : null}
    </div>
  );
}

/**
 * An endpoint's delivery log, newest first, with Send test and Redeliver. It polls while any
 * delivery is pending, so a test ping shows delivered (or why not) without a reload.
 */
export function DeliveryLog({
  endpointId,
  enabled,
  initial,
  retentionDays,
  sendTest,
  redeliver,
}: {
  endpointId: string;
  enabled: boolean;
  initial: WebhookDeliveryLog;
  /** How long finished deliveries stay in the log (the server prunes them after). */
  retentionDays: number;
  sendTest: WebhookActions['sendTest'];
  redeliver: WebhookActions['redeliver'];
}) {
  const queryClient = useQueryClient();
  const queryKey = webhookQueryKeys.deliveries(endpointId);
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) =>
      fetchJson<WebhookDeliveryLog>(`/api/webhooks/${encodeURIComponent(endpointId)}/deliveries`, signal),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.deliveries.some((d) => d.status === 'pending') ? POLL_MS : false),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey });
  const test = useActionMutation(sendTest, { onSuccess: refresh });
  const { deliveries, total } = query.data;

  return (
    <section aria-labelledby="delivery-log-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="delivery-log-title" className="text-lg font-semibold">
          Deliveries
        </h2>
        <Button
          variant="secondary"
          disabled={!enabled || test.isPending}
          title={enabled ? undefined : 'Enable the endpoint to send it anything'}
          onClick={() => test.mutate({ id: endpointId })}
        >
          {test.isPending ? 'Sending…' : 'Send test'}
        </Button>
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="delivery-retention">
        Delivered and failed deliveries are kept for {retentionDays} days.
      </p>
      {test.error ? <Alert>{test.error.message}</Alert> : null}
      {query.error ? <Alert>{query.error.message}</Alert> : null}
      {deliveries.length === 0 ? (
        <div
          data-testid="deliveries-empty"
          className="rounded-lg border border-dashed border-zinc-300 px-6 py-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
        >
          Nothing sent yet. Press <span className="font-medium">Send test</span> to ping the endpoint, or save
          or promote a prompt version to send the events it listens to.
        </div>
      ) : (
        <TableScroll label="Deliveries">
          <table className="w-full min-w-[52rem] table-fixed text-sm">
            <colgroup>
              <col className="w-[24%]" />
              <col className="w-[12%]" />
              <col className="w-[13%]" />
              <col className="w-[9%]" />
              <col className="w-[30%]" />
              <col className="w-[12%]" />
            </colgroup>
            <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
              <tr>
                <th className="px-3 py-2">Event</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Answer</th>
                <th className="px-3 py-2">Attempts</th>
                <th className="px-3 py-2">Response</th>
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr
                  key={d.id}
                  data-testid="delivery-row"
                  className="border-t border-zinc-100 align-top dark:border-zinc-800"
                >
                  <td className="px-3 py-2">
                    <div className="truncate font-mono text-xs font-medium" data-testid="delivery-event">
                      {d.eventType}
                    </div>
                    <div
                      className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400"
                      title={d.eventId}
                    >
                      {d.eventId}
                    </div>
                    <div className="text-xs text-zinc-600 dark:text-zinc-400">{formatClock(d.createdAt)}</div>
                  </td>
                  <td className="px-3 py-2">
                    <DeliveryStatusBadge status={d.status} />
                    {d.nextAttemptAt ? (
                      <div
                        className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400"
                        data-testid="next-attempt"
                      >
                        next {formatClock(d.nextAttemptAt).slice(11)}
                      </div>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <div data-testid="delivery-http">
                      {d.attempts === 0 ? '—' : formatHttpStatus(d.lastStatus)}
                    </div>
                    <div className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="delivery-latency">
                      {formatLatency(d.attempts === 0 ? null : d.lastLatencyMs)}
                    </div>
                  </td>
                  <td className="px-3 py-2" data-testid="delivery-attempts">
                    {d.attempts}
                  </td>
                  <td className="px-3 py-2">
                    {d.lastError && d.lastStatus === null ? (
                      <p className="text-xs break-words text-red-700 dark:text-red-300">{d.lastError}</p>
                    ) : null}
                    {d.lastResponse ? (
                      <p
                        data-testid="delivery-response"
                        title={d.lastResponse}
                        className="line-clamp-4 rounded bg-zinc-50 p-1.5 font-mono text-xs break-all whitespace-pre-wrap dark:bg-zinc-950"
                      >
                        {d.lastResponse}
                      </p>
                    ) : d.attempts > 0 && !d.lastError ? (
                      <span className="text-xs text-zinc-600 dark:text-zinc-400">empty body</span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    {d.status === 'pending' || !enabled ? null : (
                      <RedeliverButton delivery={d} redeliver={redeliver} onDone={refresh} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {total > deliveries.length ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          The {deliveries.length} latest of {total.toLocaleString('en-US')} deliveries.
        </p>
      ) : null}
    </section>
  );
}
