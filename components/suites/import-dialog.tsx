'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/client/action-result';
import { formatBytes } from '../prompts/format';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import {
  CSV_TAG_SEPARATOR,
  MAX_IMPORT_BYTES,
  MAX_SUITE_CASES,
  type ImportFormat,
  type ImportMode,
  type ImportRefusal,
  type ImportResponse,
} from './types';

function formatOf(fileName: string): ImportFormat {
  return /\.(jsonl|ndjson)$/i.test(fileName) ? 'jsonl' : 'csv';
}

/**
 * Imports cases from a CSV or JSONL file through POST /api/suites/<id>/import (the file is the body:
 * server actions cap bodies at 1 MB). All or nothing: a refused file lists its problems by row.
 */
export function ImportCasesDialog({
  suiteId,
  revision,
  variables,
  onClose,
}: {
  suiteId: string;
  revision: number;
  variables: string[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const router = useRouter();
  const [mode, setMode] = useState<ImportMode>('append');
  const [isPending, setIsPending] = useState(false);
  const [refusal, setRefusal] = useState<ImportRefusal | null>(null);
  const [done, setDone] = useState<ImportResponse | null>(null);

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRefusal(null);
    setDone(null);
    const file = new FormData(event.currentTarget).get('file');
    if (!(file instanceof File) || file.name === '') {
      setRefusal({ code: 'INVALID_INPUT', message: 'Choose a CSV or JSONL file.' });
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      setRefusal({
        code: 'INVALID_INPUT',
        message: `${file.name} is ${formatBytes(file.size)}; at most ${formatBytes(MAX_IMPORT_BYTES)} can be imported at once. Nothing was imported.`,
      });
      return;
    }
    const format = formatOf(file.name);
    setIsPending(true);
    try {
      const params = new URLSearchParams({ format, mode, expectedRevision: String(revision) });
      const response = await fetch(`/api/suites/${encodeURIComponent(suiteId)}/import?${params}`, {
        method: 'POST',
        headers: { 'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
        body: file,
      });
      const body = (await response.json().catch(() => null)) as (ImportRefusal & ImportResponse) | null;
      if (!response.ok || !body) {
        setRefusal(
          body ?? {
            code: 'INTERNAL',
            message: `The import failed (HTTP ${response.status}). Nothing was imported.`,
          },
        );
        return;
      }
      setDone(body);
      router.refresh();
    } catch {
      setRefusal({ code: 'UNAVAILABLE', message: 'The studio cannot be reached. Nothing was imported.' });
    } finally {
      setIsPending(false);
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto max-h-[90vh] w-[calc(100%-2rem)] max-w-xl overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 shadow-lg backdrop:bg-black/30 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" data-testid="import-cases-form">
        <h2 id={titleId} className="text-base font-semibold">
          Import cases
        </h2>
        <div className="space-y-2 text-sm text-zinc-600 dark:text-zinc-400">
          <p>
            <strong>CSV</strong>: a header row with <code>id</code>, <code>expected</code>, <code>tags</code>{' '}
            (several joined by <code>{CSV_TAG_SEPARATOR}</code>) and <code>notes</code>, all optional, and one
            column per variable: <code className="break-words">{variables.join(', ') || '(none)'}</code>.
          </p>
          <p>
            <strong>JSONL</strong>: one{' '}
            <code>{'{"id", "input": {…}, "expected", "tags": […], "notes"}'}</code> per line.
          </p>
          <p>
            Up to {MAX_SUITE_CASES.toLocaleString('en-US')} cases and {formatBytes(MAX_IMPORT_BYTES)}.
            Everything is imported or, if anything is wrong, nothing is.
          </p>
        </div>
        <label className="block space-y-1 text-sm">
          <span className="font-medium">File</span>
          <input
            name="file"
            type="file"
            accept=".csv,.jsonl,.ndjson,text/csv"
            className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm dark:file:border-zinc-700 dark:file:bg-zinc-800 dark:file:text-zinc-100"
          />
        </label>
        <fieldset className="space-y-1 text-sm">
          <legend className="font-medium">Mode</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" checked={mode === 'append'} onChange={() => setMode('append')} />
            Append to the suite&apos;s cases
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="mode"
              checked={mode === 'replace'}
              onChange={() => setMode('replace')}
            />
            Replace all cases
          </label>
        </fieldset>
        {refusal ? (
          <Alert>
            <p>{errorMessage(refusal)}</p>
            {refusal.problems && refusal.problems.length > 0 ? (
              <ul className="mt-1 max-h-60 list-disc overflow-y-auto pl-5" data-testid="import-problems">
                {refusal.problems.map((p, i) => (
                  <li key={i}>
                    {p.row !== undefined ? `Row ${p.row}` : 'File'}
                    {p.column ? `, column "${p.column}"` : ''}: {p.message}
                  </li>
                ))}
                {refusal.more ? <li>and {refusal.more.toLocaleString('en-US')} more</li> : null}
              </ul>
            ) : null}
          </Alert>
        ) : null}
        {done ? (
          <Alert tone="info">
            Imported {done.imported.toLocaleString('en-US')} {done.imported === 1 ? 'case' : 'cases'}:
            revision {done.revision} has {done.caseCount.toLocaleString('en-US')}.
          </Alert>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => ref.current?.close()}>
            {done ? 'Done' : 'Cancel'}
          </Button>
          {done ? null : (
            <Button type="submit" disabled={isPending}>
              {isPending ? 'Importing…' : 'Import'}
            </Button>
          )}
        </div>
      </form>
    </dialog>
  );
}
