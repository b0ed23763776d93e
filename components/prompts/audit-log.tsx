import { formatAge, formatTime } from './format';
import type { AuditRow } from './types';

const version = (value: unknown) => (typeof value === 'number' ? `v${value}` : 'nothing');

/** One line per event in plain words: who did what, from which version to which. */
export function describeAudit(entry: AuditRow): string {
  const { label, from, to } = entry.details;
  const name = typeof label === 'string' ? label : 'a label';
  switch (entry.action) {
    case 'label.set':
      if (typeof from !== 'number') return `set ${name} to ${version(to)}`;
      if (name === 'production' && typeof to === 'number' && to < from) {
        return `rolled back production from ${version(from)} to ${version(to)}`;
      }
      return `moved ${name} from ${version(from)} to ${version(to)}`;
    case 'label.remove':
      return `removed ${name} (was ${version(from)})`;
    case 'prompt.archive':
      return 'archived the prompt';
    case 'prompt.unarchive':
      return 'unarchived the prompt';
    default:
      return entry.action;
  }
}

export function AuditLog({ entries, now }: { entries: AuditRow[]; now: string }) {
  if (entries.length === 0) return <p className="text-sm text-zinc-500">No label moves or archives yet.</p>;
  return (
    <ol className="space-y-2 text-sm" aria-label="Audit log">
      {entries.map((entry) => (
        <li key={entry.id} data-testid="audit-entry" className="flex flex-wrap gap-x-2">
          <span className="font-medium break-all">{entry.actorEmail}</span>{' '}
          <span>{describeAudit(entry)}</span>{' '}
          <time dateTime={entry.createdAt} title={formatTime(entry.createdAt)} className="text-zinc-500">
            · {formatAge(entry.createdAt, now)}
          </time>
        </li>
      ))}
    </ol>
  );
}
