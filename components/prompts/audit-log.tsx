import { formatAge, formatTime } from './format';
import { formatPercent } from '@/components/suites/format';
import { CHECK_TITLE, type GateCheckKind } from './gate-types';
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
    case 'gate.update':
      return describeGateUpdate(entry.details);
    default:
      return entry.action;
  }
}

function describeGateUpdate(details: Record<string, unknown>): string {
  if (details.removed === true) return 'turned the release gate off';
  const { suiteName, minPassRate, requireNoRegression } = details;
  const conditions = [
    typeof minPassRate === 'number' ? `pass rate ≥ ${formatPercent(minPassRate)}` : null,
    requireNoRegression === true ? 'no significant regression' : null,
  ].filter(Boolean);
  const suite = typeof suiteName === 'string' ? ` on suite “${suiteName}”` : '';
  return `set the release gate${suite}: ${conditions.join(' and ')}`;
}

interface GateOverride {
  reason: string;
  failedChecks: { kind: GateCheckKind; message: string }[];
}

/** The admin's override of a failing release gate recorded on a label move, if any. */
export function gateOverrideOf(entry: AuditRow): GateOverride | undefined {
  const value = entry.details.gateOverride;
  if (typeof value !== 'object' || value === null) return undefined;
  const { reason, failedChecks } = value as Record<string, unknown>;
  if (typeof reason !== 'string') return undefined;
  const checks = Array.isArray(failedChecks)
    ? failedChecks.filter(
        (c): c is GateOverride['failedChecks'][number] =>
          typeof c === 'object' && c !== null && typeof (c as { message?: unknown }).message === 'string',
      )
    : [];
  return { reason, failedChecks: checks };
}

export function AuditLog({ entries, now }: { entries: AuditRow[]; now: string }) {
  if (entries.length === 0) return <p className="text-sm text-zinc-500">No label moves or archives yet.</p>;
  return (
    <ol className="space-y-2 text-sm" aria-label="Audit log">
      {entries.map((entry) => (
        <li key={entry.id} data-testid="audit-entry" className="flex flex-wrap gap-x-2">
          <span className="font-medium break-all">{entry.actorEmail}</span>{' '}
          <span>
            {describeAudit(entry)}
            {gateOverrideOf(entry) ? (
              <span className="font-medium text-amber-700 dark:text-amber-400">
                {' '}
                overriding the release gate
              </span>
            ) : null}
          </span>{' '}
          <time dateTime={entry.createdAt} title={formatTime(entry.createdAt)} className="text-zinc-500">
            · {formatAge(entry.createdAt, now)}
          </time>
          <GateOverrideNote entry={entry} />
        </li>
      ))}
    </ol>
  );
}

function GateOverrideNote({ entry }: { entry: AuditRow }) {
  const override = gateOverrideOf(entry);
  if (!override) return null;
  return (
    <div
      data-testid="gate-override"
      className="mt-1 w-full rounded-md border-l-4 border-amber-400 bg-amber-50 px-3 py-2 text-zinc-800 dark:border-amber-600 dark:bg-amber-950/40 dark:text-zinc-200"
    >
      <p className="break-words">
        <span className="font-medium">Reason: </span>
        {override.reason}
      </p>
      {override.failedChecks.length > 0 ? (
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-zinc-600 dark:text-zinc-400">
          {override.failedChecks.map((check, index) => (
            <li key={index} className="break-words">
              {CHECK_TITLE[check.kind] ?? 'Check'} failed: {check.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
