'use client';

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Select, Textarea } from '../ui/field';
import { formatInputValue } from './format';
import type { CaseRow, CaseVariable } from './types';

export interface CaseDraftPayload {
  id?: string;
  input: Record<string, string>;
  expected: string | null;
  tags: string[];
  notes: string;
}

export type SaveCase = (input: {
  suiteId: string;
  expectedRevision: number;
  message: string;
  originalId?: string;
  case: CaseDraftPayload;
}) => Promise<ActionResult<{ revision: number; caseId: string }>>;

/** A value as the form edits it: JSON text for lists and objects, the text itself otherwise. */
function toText(value: unknown, type: string): string {
  if (value === undefined || value === null) return '';
  if (type === 'json' || type === 'list') return JSON.stringify(value, null, 2);
  return formatInputValue(value);
}

/**
 * Adds or edits one case: a field per variable of the target prompt (typed as the variable is;
 * the server coerces and checks them), the expected answer, tags and notes. Errors show per field.
 */
export function CaseDialog({
  suiteId,
  revision,
  variables,
  initial,
  saveCase,
  onClose,
}: {
  suiteId: string;
  revision: number;
  variables: CaseVariable[];
  /** The case being edited; absent for a new case. */
  initial?: CaseRow;
  saveCase: SaveCase;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [id, setId] = useState(initial?.id ?? '');
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(variables.map((v) => [v.name, toText(initial?.input[v.name], v.type)])),
  );
  const [expected, setExpected] = useState(initial?.expected ?? '');
  const [tags, setTags] = useState((initial?.tags ?? []).join(', '));
  const [notes, setNotes] = useState(initial?.notes ?? '');
  const mutation = useActionMutation(saveCase, { onSuccess: () => ref.current?.close() });
  const errors = mutation.error?.error.fieldErrors ?? {};
  const err = (key: string) => errors[`case.${key}`]?.join(' ');

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) if (value !== '') input[name] = value;
    mutation.mutate({
      suiteId,
      expectedRevision: revision,
      message: '',
      ...(initial ? { originalId: initial.id } : {}),
      case: {
        ...(id.trim() ? { id: id.trim() } : {}),
        input,
        expected: expected === '' ? null : expected,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        notes,
      },
    });
  }

  const otherErrors = Object.entries(errors)
    .filter(([key]) => !key.startsWith('case.'))
    .flatMap(([, messages]) => messages);
  const inputErrorKeys = Object.keys(errors).filter(
    (k) => k.startsWith('case.input.') && !variables.some((v) => `case.input.${v.name}` === k),
  );
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto max-h-[90vh] w-[calc(100%-2rem)] max-w-2xl overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 shadow-lg backdrop:bg-black/30 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate data-testid="case-form">
        <h2 id={titleId} className="text-base font-semibold">
          {initial ? `Edit case ${initial.id}` : 'New case'}
        </h2>
        <Field label="Id" error={err('id')} hint={initial ? undefined : 'Optional: case-N when left empty.'}>
          <Input value={id} maxLength={200} onChange={(e) => setId(e.target.value)} />
        </Field>
        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold">Input variables</legend>
          {variables.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">The prompt declares no variables.</p>
          ) : null}
          {variables.map((v) => {
            const label = (
              <>
                {v.name}{' '}
                <span className="font-normal text-zinc-500 dark:text-zinc-400">
                  ({v.type}
                  {v.required ? ', required' : ''})
                </span>
              </>
            );
            const value = values[v.name] ?? '';
            const set = (next: string) => setValues((prev) => ({ ...prev, [v.name]: next }));
            return (
              <Field key={v.name} label={label} error={err(`input.${v.name}`)} hint={v.description}>
                {v.type === 'enum' ? (
                  <Select value={value} onChange={(e) => set(e.target.value)}>
                    <option value="">(none)</option>
                    {(v.values ?? []).map((option) => (
                      <option key={option} value={option}>
                        {option}
                      </option>
                    ))}
                  </Select>
                ) : v.type === 'boolean' ? (
                  <Select value={value} onChange={(e) => set(e.target.value)}>
                    <option value="">(none)</option>
                    <option value="true">true</option>
                    <option value="false">false</option>
                  </Select>
                ) : v.type === 'json' || v.type === 'list' ? (
                  <Textarea
                    value={value}
                    rows={3}
                    className="font-mono text-xs"
                    placeholder={v.type === 'list' ? '["a", "b"] or a, b' : '{"key": "value"}'}
                    onChange={(e) => set(e.target.value)}
                  />
                ) : v.type === 'number' ? (
                  <Input value={value} inputMode="decimal" onChange={(e) => set(e.target.value)} />
                ) : (
                  <Textarea
                    value={value}
                    rows={value.length > 80 ? 4 : 2}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
              </Field>
            );
          })}
          {inputErrorKeys.length > 0 ? (
            <Alert>{inputErrorKeys.flatMap((k) => errors[k] ?? []).join(' ')}</Alert>
          ) : null}
        </fieldset>
        <Field
          label="Expected output"
          error={err('expected')}
          hint="Optional: what exact-match and contains compare with."
        >
          <Textarea value={expected} rows={3} onChange={(e) => setExpected(e.target.value)} />
        </Field>
        <Field label="Tags" error={err('tags')} hint="Comma-separated, e.g. smoke, billing">
          <Input value={tags} onChange={(e) => setTags(e.target.value)} />
        </Field>
        <Field label="Notes" error={err('notes')}>
          <Textarea value={notes} rows={2} maxLength={5000} onChange={(e) => setNotes(e.target.value)} />
        </Field>
        {mutation.error && (otherErrors.length > 0 || Object.keys(errors).length === 0) ? (
          <Alert>{otherErrors.length > 0 ? otherErrors.join(' ') : mutation.error.message}</Alert>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => ref.current?.close()}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save case'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
