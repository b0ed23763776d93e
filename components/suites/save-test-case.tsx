'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button, buttonClasses } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Select } from '../ui/field';

export type SaveTestCase = (input: {
  suiteId: string;
  case: { input: Record<string, unknown>; expected: string | null };
}) => Promise<ActionResult<{ revision: number; caseId: string; suiteName: string }>>;

export interface TestCaseTarget {
  /** Suites aimed at this prompt. */
  suites: { id: string; name: string }[];
  saveTestCase: SaveTestCase;
}

/**
 * The playground's "Save as test case": after a run, adds a case with the run's input variables and
 * its output as the expected answer to a suite of this prompt (or points to creating one).
 */
export function SaveTestCaseButton({
  promptId,
  input,
  output,
  target,
}: {
  promptId: string;
  input: Record<string, unknown>;
  output: string;
  target: TestCaseTarget;
}) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setIsOpen(true)}>
        Save as test case
      </Button>
      {isOpen ? (
        <SaveTestCaseDialog
          promptId={promptId}
          input={input}
          output={output}
          target={target}
          onClose={() => setIsOpen(false)}
        />
      ) : null}
    </>
  );
}

function SaveTestCaseDialog({
  promptId,
  input,
  output,
  target,
  onClose,
}: {
  promptId: string;
  input: Record<string, unknown>;
  output: string;
  target: TestCaseTarget;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [suiteId, setSuiteId] = useState(target.suites[0]?.id ?? '');
  const mutation = useActionMutation(target.saveTestCase);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const saved = mutation.data;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-zinc-200 bg-white p-5 shadow-lg backdrop:bg-black/30 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="space-y-4">
        <h2 id={titleId} className="text-base font-semibold">
          Save as test case
        </h2>
        {target.suites.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No suite tests this prompt yet.{' '}
            <Link
              href={`/suites/new?prompt=${encodeURIComponent(promptId)}`}
              className="font-medium underline"
            >
              Create a suite
            </Link>{' '}
            first, then save this run into it.
          </p>
        ) : (
          <>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              The run&apos;s input variables become the case&apos;s input and its answer the expected output.
            </p>
            <Field label="Suite">
              <Select value={suiteId} onChange={(e) => setSuiteId(e.target.value)}>
                {target.suites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </Select>
            </Field>
          </>
        )}
        {mutation.error ? <Alert>{mutation.error.message}</Alert> : null}
        {saved ? (
          <Alert tone="info">
            Saved as {saved.caseId} in{' '}
            <Link href={`/suites/${encodeURIComponent(suiteId)}`} className="font-medium underline">
              {saved.suiteName}
            </Link>{' '}
            (revision {saved.revision}).
          </Alert>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClasses('secondary')} onClick={() => ref.current?.close()}>
            {saved ? 'Close' : 'Cancel'}
          </button>
          {target.suites.length > 0 && !saved ? (
            <Button
              disabled={mutation.isPending || !suiteId}
              onClick={() =>
                mutation.mutate({ suiteId, case: { input, expected: output === '' ? null : output } })
              }
            >
              {mutation.isPending ? 'Saving…' : 'Save case'}
            </Button>
          ) : null}
        </div>
      </div>
    </dialog>
  );
}
