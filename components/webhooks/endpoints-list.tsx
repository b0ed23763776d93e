import Link from 'next/link';
import { formatAge, formatTime } from '../prompts/format';
import { TableScroll } from '../ui/table';
import { DeliveryStatusBadge, EndpointStateBadge } from './delivery-status';
import type { WebhookEndpointRow } from './types';

/** The workspace's endpoints: address, events, state and the last delivery's outcome. */
export function EndpointsList({ endpoints, now }: { endpoints: WebhookEndpointRow[]; now: string }) {
  if (endpoints.length === 0) {
    return (
      <div
        data-testid="webhooks-empty"
        className="rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700"
      >
        <h2 className="text-base font-semibold">No webhook endpoints yet</h2>
        <p className="mx-auto mt-1 max-w-lg text-sm text-zinc-600 dark:text-zinc-400">
          An endpoint is a URL of yours that receives a signed POST when something happens here: a version is
          saved, a label moves, a suite run ends. Add one below with the URL of your receiver, then press
          <span className="font-medium"> Send test</span> on its page.
        </p>
      </div>
    );
  }
  return (
    <TableScroll label="Webhook endpoints">
      <table className="w-full min-w-[44rem] table-fixed text-sm">
        <colgroup>
          <col className="w-[38%]" />
          <col className="w-[30%]" />
          <col className="w-[12%]" />
          <col className="w-[20%]" />
        </colgroup>
        <thead className="text-left text-xs text-zinc-500 uppercase dark:text-zinc-400">
          <tr>
            <th className="px-4 py-2">Endpoint</th>
            <th className="px-4 py-2">Events</th>
            <th className="px-4 py-2">State</th>
            <th className="px-4 py-2">Last delivery</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((e) => (
            <tr
              key={e.id}
              data-testid="endpoint-row"
              className="border-t border-zinc-100 align-top dark:border-zinc-800"
            >
              <td className="px-4 py-2">
                <Link
                  href={`/settings/webhooks/${encodeURIComponent(e.id)}`}
                  className="block truncate font-mono text-xs font-medium hover:underline"
                  title={e.url}
                >
                  {e.url}
                </Link>
                {e.description ? (
                  <p className="truncate text-xs text-zinc-600 dark:text-zinc-400" title={e.description}>
                    {e.description}
                  </p>
                ) : null}
              </td>
              <td className="px-4 py-2">
                <ul className="flex flex-wrap gap-1">
                  {e.events.map((type) => (
                    <li
                      key={type}
                      className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800"
                    >
                      {type}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="px-4 py-2">
                <EndpointStateBadge enabled={e.enabled} />
              </td>
              <td className="px-4 py-2">
                {e.lastDelivery ? (
                  <span title={formatTime(e.lastDelivery.createdAt)}>
                    <DeliveryStatusBadge status={e.lastDelivery.status} />
                    <span className="mt-0.5 block text-xs text-zinc-600 dark:text-zinc-400">
                      {formatAge(e.lastDelivery.createdAt, now)}
                      {e.failed > 0 ? ` · ${e.failed} failed` : ''}
                      {e.pending > 0 ? ` · ${e.pending} pending` : ''}
                    </span>
                  </span>
                ) : (
                  <span className="text-zinc-600 dark:text-zinc-400">none yet</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
