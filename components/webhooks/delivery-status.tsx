/** A delivery's status in words and colour, wherever deliveries are shown. */
const TEXT: Record<string, string> = { pending: 'pending', delivered: 'delivered', failed: 'failed' };
const TONE: Record<string, string> = {
  pending: 'bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200',
  delivered: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="delivery-status"
      className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONE[status] ?? TONE.pending}`}
    >
      {TEXT[status] ?? status}
    </span>
  );
}

/** Enabled or disabled, for the endpoints list and page. */
export function EndpointStateBadge({ enabled }: { enabled: boolean }) {
  return (
    <span
      data-testid="endpoint-state"
      className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${
        enabled
          ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
          : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
      }`}
    >
      {enabled ? 'enabled' : 'disabled'}
    </span>
  );
}
