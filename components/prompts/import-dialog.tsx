'use client';

import { useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { formatBytes } from './format';
import { promptKeys } from './query-keys';
import { MAX_IMPORT_BYTES, type ImportResult } from './types';

export interface ImportFile {
  name: string;
  content: string;
}

export type ImportPrompts = (input: { files: ImportFile[] }) => Promise<ActionResult<ImportResult>>;

const PASTE_NAME = 'Pasted text';

/**
 * Imports YAML or JSON prompt documents from files or a paste; mounted open, unmounted on close, so
 * each opening starts empty. Sizes are checked here first, so an oversize file is refused by name
 * before anything is sent; the server checks everything again.
 */
export function ImportDialog({
  importPrompts,
  onClose,
}: {
  importPrompts: ImportPrompts;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const filesId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<{ name: string; size: number }[]>([]);
  const [isDragging, setIsDragging] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const mutation = useActionMutation(importPrompts, { invalidate: [promptKeys.all] });

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  function showChosen(files: FileList | null) {
    setChosen([...(files ?? [])].map((f) => ({ name: f.name, size: f.size })));
  }

  /** Dropped files go into the file input, so the form reads them exactly as chosen ones. */
  function onDrop(event: DragEvent<HTMLLabelElement>) {
    event.preventDefault();
    setIsDragging(false);
    const input = fileInput.current;
    if (!input || event.dataTransfer.files.length === 0) return;
    input.files = event.dataTransfer.files;
    showChosen(input.files);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setLocalError(null);
    mutation.reset();
    const form = new FormData(event.currentTarget);
    const uploads = form.getAll('files').filter((f): f is File => f instanceof File && f.name !== '');
    const pasted = String(form.get('paste') ?? '');
    const tooBig = [
      ...uploads.map((f) => ({ name: f.name, size: f.size })),
      { name: PASTE_NAME, size: new Blob([pasted]).size },
    ].find((f) => f.size > MAX_IMPORT_BYTES);
    if (tooBig) {
      setLocalError(
        `${tooBig.name} is ${formatBytes(tooBig.size)}; at most ${formatBytes(MAX_IMPORT_BYTES)} can be imported at once. Nothing was imported.`,
      );
      return;
    }
    const files: ImportFile[] = await Promise.all(
      uploads.map(async (f) => ({ name: f.name, content: await f.text() })),
    );
    if (pasted.trim() !== '') files.push({ name: PASTE_NAME, content: pasted });
    if (files.length === 0) {
      setLocalError('Choose a file or paste a prompt document.');
      return;
    }
    mutation.mutate({ files });
  }

  const failure = mutation.error;
  const problems = Object.values(failure?.error.fieldErrors ?? {}).flat();
  const result = mutation.data;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-xl rounded-lg border border-zinc-200 bg-white p-5 shadow-lg backdrop:bg-black/30 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form aria-labelledby={titleId} onSubmit={(e) => void onSubmit(e)} className="space-y-4">
        <h2 id={titleId} className="text-base font-semibold">
          Import prompts
        </h2>
        <p className="text-sm text-zinc-500">
          YAML or JSON in the export format: one prompt, a YAML stream (<code>---</code> between prompts) or a
          JSON array. Everything is imported or, if anything is wrong, nothing is.
        </p>
        <div className="space-y-1 text-sm">
          <span id={`${filesId}-label`} className="block font-medium">
            Files
          </span>
          {/* The input itself takes focus (Enter or Space opens the chooser); the zone shows its ring. */}
          <label
            data-testid="import-drop-zone"
            onDragOver={(e) => {
              e.preventDefault();
              setIsDragging(true);
            }}
            onDragLeave={() => setIsDragging(false)}
            onDrop={onDrop}
            className={`flex cursor-pointer flex-col items-center gap-1 rounded-md border-2 border-dashed px-4 py-5 text-center has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-offset-2 has-[input:focus-visible]:outline-accent ${
              isDragging
                ? 'border-accent bg-zinc-50 dark:bg-zinc-800'
                : 'border-zinc-300 hover:border-zinc-400 dark:border-zinc-700'
            }`}
          >
            <input
              ref={fileInput}
              name="files"
              type="file"
              multiple
              accept=".yaml,.yml,.json,application/json"
              aria-labelledby={`${filesId}-label`}
              aria-describedby={`${filesId}-hint`}
              onChange={(e) => showChosen(e.target.files)}
              className="sr-only"
            />
            <span>
              Drop files here or <span className="text-accent font-medium underline">choose files</span>
            </span>
            <span id={`${filesId}-hint`} className="text-xs text-zinc-500">
              .yaml, .yml or .json, up to {formatBytes(MAX_IMPORT_BYTES)} in all
            </span>
          </label>
          {chosen.length > 0 ? (
            <ul aria-label="Chosen files" className="space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
              {chosen.map((f) => (
                <li key={f.name}>
                  {f.name} · {formatBytes(f.size)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <label className="block space-y-1 text-sm">
          <span className="font-medium">Or paste a prompt document</span>
          <textarea
            name="paste"
            rows={6}
            className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
          />
        </label>
        {localError ? <Alert>{localError}</Alert> : null}
        {failure ? (
          <Alert>
            <p>{failure.message}</p>
            {problems.length > 0 ? (
              <ul className="mt-1 list-disc pl-5" data-testid="import-problems">
                {problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}
        {result ? (
          <Alert tone="info">
            {result.saved.length === 0
              ? 'Nothing new to import.'
              : `Imported ${result.saved.map((s) => `${s.id} v${s.version}`).join(', ')}.`}
            {result.unchanged.length > 0 ? ` Unchanged: ${result.unchanged.join(', ')}.` : ''}
          </Alert>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => ref.current?.close()}>
            Close
          </Button>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? 'Importing…' : 'Import'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
