import { RUN_STATUS_TEXT, runStatusTone } from './runs-list-format';

/** A run's status as a coloured badge ("completed with errors", "failed", ...). */
export function RunStatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${runStatusTone(status)}`}
    >
      {RUN_STATUS_TEXT[status] ?? status}
    </span>
  );
}
