'use client';

import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { Alert } from '../ui/card';
import { promptKeys } from './query-keys';
import type { VersionRow, VersionText } from './types';

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
  // Versions are immutable: once fetched, a version's text never needs fetching again.
  return useQuery({
    queryKey: promptKeys.versionText(promptId, version),
    queryFn: () => fetchVersionText(promptId, version),
    staleTime: Infinity,
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
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
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

/** Side-by-side diff of any two versions' canonical YAML: settings, variables, templates, examples. */
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
        {left.data && right.data && left.data.text === right.data.text ? (
          <span className="text-sm text-zinc-500">These versions have the same content.</span>
        ) : null}
      </div>
      {error ? <Alert>{error.message}</Alert> : null}
      <div
        data-testid="version-diff"
        className="overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800"
      >
        {left.data && right.data ? (
          <MonacoDiff original={left.data.text} modified={right.data.text} />
        ) : (
          <p className="p-4 text-sm text-zinc-500">Loading versions…</p>
        )}
      </div>
    </div>
  );
}
