'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { Alert } from '../ui/card';
import { promptKeys } from './query-keys';
import type { VersionRow, VersionText } from './types';
import { sectionChanges } from './version-compare';

export { comparePairFor } from './version-compare';

const MonacoDiff = dynamic(() => import('./monaco-diff').then((m) => m.MonacoDiff), {
  ssr: false,
  loading: () => <p className="p-4 text-sm text-zinc-500">Loading the diff editor…</p>,
});

async function fetchVersionText(promptId: string, version: number): Promise<VersionText> {
  const params = new URLSearchParams({ id: promptId, version: String(version) });
  const response = await fetch(`/api/prompts/version-text?${params}`);
  if (!response.ok) throw new Error(`Could not load v${version} (HTTP ${response.status}).`);
  return (await response.json()) as VersionText;
}

function useVersionText(promptId: string, version: number) {
  // Versions are immutable: once fetched, a version's text never needs fetching again. The
  // previous pair stays on screen while the next loads, so the diff editors are not torn down.
  return useQuery({
    queryKey: promptKeys.versionText(promptId, version),
    queryFn: () => fetchVersionText(promptId, version),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

function VersionSelect({
  label,
  value,
  versions,
  onChange,
}: {
  label: string;
  value: number;
  versions: VersionRow[];
  onChange: (version: number) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="font-medium">{label}</span>
      <select
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        className="max-w-[14rem] rounded-md border border-zinc-300 bg-white px-2 py-1 focus-visible:outline-2 focus-visible:outline-accent dark:border-zinc-700 dark:bg-zinc-900"
      >
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
            {v.message ? ` — ${v.message.slice(0, 40)}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

function Changes({ from, to }: { from: VersionText; to: VersionText }) {
  const changes = sectionChanges(from, to);
  const changed = changes.filter((c) => c.isChanged);
  const unchanged = changes.filter((c) => !c.isChanged);
  return (
    <div className="space-y-4">
      <p className="text-sm" data-testid="diff-summary">
        {changed.length === 0
          ? `v${from.version} and v${to.version} have the same content.`
          : `Changed from v${from.version} to v${to.version}: ${changed.map((c) => c.section.title).join(', ')}.`}
        {changed.length > 0 && unchanged.length > 0 ? (
          <span className="text-zinc-500">
            {' '}
            Unchanged: {unchanged.map((c) => c.section.title).join(', ')}.
          </span>
        ) : null}
      </p>
      {changed.map(({ section, before }) => (
        <section key={section.key} data-testid="diff-section" aria-label={`${section.title} changes`}>
          <h3 className="mb-1 text-xs font-semibold text-zinc-600 uppercase dark:text-zinc-400">
            {section.title}
          </h3>
          <div className="overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800">
            <MonacoDiff
              original={before}
              modified={section.text}
              isTemplate={section.key === 'system' || section.key === 'user'}
            />
          </div>
        </section>
      ))}
      {unchanged.map(({ section }) => (
        <details key={section.key} className="text-sm" data-testid="diff-unchanged">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
            {section.title} (unchanged)
          </summary>
          <pre className="mt-1 max-h-64 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-950">
            {section.text === '' ? '(empty)' : section.text}
          </pre>
        </details>
      ))}
    </div>
  );
}

/** Any two versions compared part by part: what changed first (templates as text), the rest folded. */
export function VersionDiff({
  promptId,
  versions,
  from,
  to,
  onChange,
}: {
  promptId: string;
  versions: VersionRow[];
  from: number;
  to: number;
  onChange: (pair: { from: number; to: number }) => void;
}) {
  const left = useVersionText(promptId, from);
  const right = useVersionText(promptId, to);
  const error = left.error ?? right.error;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-4">
        <VersionSelect
          label="From"
          value={from}
          versions={versions}
          onChange={(v) => onChange({ from: v, to })}
        />
        <VersionSelect
          label="To"
          value={to}
          versions={versions}
          onChange={(v) => onChange({ from, to: v })}
        />
      </div>
      {error ? <Alert>{error.message}</Alert> : null}
      <div data-testid="version-diff">
        {from === to ? (
          <p className="text-sm text-zinc-500">
            {versions.length < 2
              ? `There is only v${from} so far: save another version to compare.`
              : `Both sides are v${from}: pick two different versions to compare.`}
          </p>
        ) : left.data && right.data ? (
          <Changes from={left.data} to={right.data} />
        ) : (
          <p className="p-4 text-sm text-zinc-500">Loading versions…</p>
        )}
      </div>
    </div>
  );
}
