'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { lazy, Suspense, useEffect, useRef, useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { ConfirmDialog } from './confirm-dialog';
import { formatAge, formatTime } from './format';
import type { ImportPrompts } from './import-dialog';
import { LabelBadges } from './label-badges';
import { promptKeys } from './query-keys';
import type { PromptListQuery, PromptListResponse, PromptRow } from './types';

// Loaded when first opened: the list's first load has a 154 KB budget and most visits never import.
const ImportDialog = lazy(() => import('./import-dialog').then((m) => ({ default: m.ImportDialog })));

/** Typing pauses this long before the list refetches, so a word costs one request, not one per key. */
const SEARCH_DEBOUNCE_MS = 200;

type PromptAction = (input: { promptId: string }) => Promise<ActionResult<void>>;

function listUrl(query: PromptListQuery): string {
  const params = new URLSearchParams();
  if (query.search.trim()) params.set('search', query.search.trim());
  if (query.tag) params.set('tag', query.tag);
  if (query.includeArchived) params.set('archived', '1');
  return params.size > 0 ? `?${params}` : '';
}

function exportHref(rows: PromptRow[], format: 'yaml' | 'json'): string {
  const params = new URLSearchParams(rows.map((row) => ['id', row.id]));
  params.set('format', format);
  return `/api/prompts/export?${params}`;
}

/**
 * The prompts list. The server renders the rows; filtering moves the URL and the server renders
 * again in a transition (the previous rows stay visible meanwhile). Not a client query: that would
 * put react-query's query machinery into this page's first load, which has a 154 KB budget.
 */
export function PromptsList({
  initialQuery,
  data,
  canWrite,
  importPrompts,
  archivePrompt,
  unarchivePrompt,
}: {
  initialQuery: PromptListQuery;
  data: PromptListResponse;
  canWrite: boolean;
  importPrompts: ImportPrompts;
  archivePrompt: PromptAction;
  unarchivePrompt: PromptAction;
}) {
  const [search, setSearch] = useState(initialQuery.search);
  const [tag, setTag] = useState(initialQuery.tag);
  const [includeArchived, setIncludeArchived] = useState(initialQuery.includeArchived);
  const [isImporting, setIsImporting] = useState(false);
  const router = useRouter();
  const [isLoading, startLoading] = useTransition();
  const searchTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(searchTimer.current), []);
  // A prompt that serves production is archived only after a question; every archive can be undone.
  const [asking, setAsking] = useState<PromptRow | null>(null);
  const [archived, setArchived] = useState<PromptRow | null>(null);
  const archive = useActionMutation(archivePrompt, { invalidate: [promptKeys.all] });
  const unarchive = useActionMutation(unarchivePrompt, {
    invalidate: [promptKeys.all],
    onSuccess: () => setArchived(null),
  });

  function archiveRow(row: PromptRow) {
    archive.mutate(
      { promptId: row.id },
      {
        onSuccess: () => {
          setAsking(null);
          setArchived(row);
        },
      },
    );
  }

  function update(next: Partial<PromptListQuery>, delayMs = 0) {
    const merged = { search, tag, includeArchived, ...next };
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(
      () => startLoading(() => router.replace(`/prompts${listUrl(merged)}`, { scroll: false })),
      delayMs,
    );
  }

  const actionError = archive.error ?? unarchive.error;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="min-w-48 flex-1 space-y-1 text-sm">
          <span className="font-medium">Search</span>
          <input
            type="search"
            value={search}
            placeholder="Name, id or description"
            onChange={(e) => {
              setSearch(e.target.value);
              update({ search: e.target.value }, SEARCH_DEBOUNCE_MS);
            }}
            className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <label className="space-y-1 text-sm">
          <span className="font-medium">Tag</span>
          <select
            value={tag}
            onChange={(e) => {
              setTag(e.target.value);
              update({ tag: e.target.value });
            }}
            className="block max-w-56 truncate rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="">All tags</option>
            {data.tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input
            type="checkbox"
            checked={includeArchived}
            onChange={(e) => {
              setIncludeArchived(e.target.checked);
              update({ includeArchived: e.target.checked });
            }}
          />
          Show archived
        </label>
        <div className="flex flex-wrap gap-2">
          <a
            href={exportHref(data.prompts, 'yaml')}
            download
            aria-disabled={data.prompts.length === 0}
            className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 aria-disabled:pointer-events-none aria-disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Export YAML
          </a>
          <a
            href={exportHref(data.prompts, 'json')}
            download
            aria-disabled={data.prompts.length === 0}
            className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 aria-disabled:pointer-events-none aria-disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Export JSON
          </a>
          {canWrite ? (
            <>
              <Button variant="secondary" onClick={() => setIsImporting(true)}>
                Import
              </Button>
              {isImporting ? (
                <Suspense fallback={null}>
                  <ImportDialog importPrompts={importPrompts} onClose={() => setIsImporting(false)} />
                </Suspense>
              ) : null}
              <Link
                href="/prompts/new"
                className="bg-accent hover:bg-accent-strong rounded-md px-3 py-1.5 text-sm font-medium text-white"
              >
                New prompt
              </Link>
            </>
          ) : null}
        </div>
      </div>
      {actionError && !asking ? <Alert>{actionError.message}</Alert> : null}
      {archived ? (
        <div
          key={archived.id}
          role="status"
          className="flex flex-wrap items-center gap-3 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          <span>
            Archived <strong>{archived.name}</strong>.
          </span>
          <Button
            // The row (and the button that had focus) left the list: focus moves to Undo instead.
            autoFocus
            variant="secondary"
            disabled={unarchive.isPending}
            onClick={() => unarchive.mutate({ promptId: archived.id })}
          >
            Undo
          </Button>
          <Button variant="ghost" aria-label="Dismiss" onClick={() => setArchived(null)}>
            ×
          </Button>
        </div>
      ) : null}
      {/* On a phone the table scrolls inside its own box; the page itself never scrolls sideways. */}
      <div className="relative overflow-x-auto">
        <table className="w-full min-w-[40rem] table-fixed text-sm" aria-busy={isLoading}>
          <colgroup>
            <col className="w-[40%]" />
            <col className="w-[16%]" />
            <col className="w-[16%]" />
            <col className="w-[18%]" />
            <col className="w-[10%]" />
          </colgroup>
          <thead className="text-left text-xs text-zinc-500 uppercase">
            <tr>
              <th className="pb-2">Prompt</th>
              <th className="pb-2">Production</th>
              <th className="pb-2">Latest</th>
              <th className="pb-2">Last edited</th>
              <th className="pb-2 sr-only">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.prompts.map((row) => (
              <tr
                key={row.id}
                data-testid="prompt-row"
                className="border-t border-zinc-100 align-top dark:border-zinc-800"
              >
                <td className="py-2 pr-4 break-words">
                  <Link
                    href={`/prompts/${encodeURIComponent(row.id)}`}
                    className="font-medium hover:underline"
                  >
                    {row.name}
                  </Link>
                  {row.archived ? (
                    <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">
                      archived
                    </span>
                  ) : null}
                  <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
                    <code className="break-all">{row.id}</code>
                    {row.tags.map((t) => (
                      <span
                        key={t}
                        title={t}
                        data-testid="prompt-tag"
                        className="max-w-full truncate rounded bg-zinc-100 px-1.5 py-0.5 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
                      >
                        #{t}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="py-2 pr-4" data-testid="production">
                  {row.production ? (
                    <span title={`Promoted ${formatTime(row.production.since)}`}>
                      v{row.production.version} · {formatAge(row.production.since, data.now)}
                    </span>
                  ) : (
                    <span className="text-zinc-500 dark:text-zinc-400">not promoted</span>
                  )}
                </td>
                <td className="py-2 pr-4">
                  <span className="mr-2">v{row.latestVersion}</span>
                  <LabelBadges
                    labels={Object.fromEntries(
                      Object.entries(row.labels).filter(([l]) => l !== 'production'),
                    )}
                  />
                </td>
                <td className="py-2 pr-4" title={formatTime(row.updatedAt)}>
                  {row.updatedBy ?? 'unknown'} · {formatAge(row.updatedAt, data.now)}
                </td>
                <td className="py-2 text-right">
                  {canWrite ? (
                    row.archived ? (
                      <Button
                        variant="secondary"
                        aria-label={`Unarchive ${row.name}`}
                        disabled={unarchive.isPending}
                        onClick={() => unarchive.mutate({ promptId: row.id })}
                      >
                        Unarchive
                      </Button>
                    ) : (
                      <Button
                        variant="ghost"
                        aria-label={`Archive ${row.name}`}
                        disabled={archive.isPending}
                        onClick={() => (row.production ? setAsking(row) : archiveRow(row))}
                      >
                        Archive
                      </Button>
                    )
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {asking?.production ? (
        <ConfirmDialog
          open
          title={`Archive ${asking.name}?`}
          confirmLabel="Archive"
          isPending={archive.isPending}
          error={archive.error?.message}
          onClose={() => {
            setAsking(null);
            archive.reset();
          }}
          onConfirm={() => archiveRow(asking)}
        >
          It serves v{asking.production.version} in production. Archiving hides it from the list; you can undo
          it right after, or unarchive it later under &quot;Show archived&quot;.
        </ConfirmDialog>
      ) : null}
      {data.prompts.length === 0 ? (
        <p className="py-6 text-center text-sm text-zinc-500">
          {search.trim() || tag ? 'No prompt matches these filters.' : 'No prompts yet.'}
        </p>
      ) : null}
    </div>
  );
}
