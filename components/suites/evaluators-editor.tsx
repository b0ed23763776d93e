'use client';

import Link from 'next/link';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert, Card } from '../ui/card';
import { Field, Input, Select, Textarea } from '../ui/field';
import {
  EVALUATOR_KIND_LABELS,
  type EvaluatorDraft,
  type EvaluatorKindName,
  type PromptOption,
} from './types';

export type SaveEvaluators = (input: {
  suiteId: string;
  expectedRevision: number;
  message: string;
  evaluators: unknown;
}) => Promise<ActionResult<{ revision: number }>>;

/** One evaluator as the form holds it: every field as text, converted when saving. */
interface Row {
  key: number;
  kind: EvaluatorKindName;
  name: string;
  value: string;
  trim: boolean;
  ignoreCase: boolean;
  containsMode: 'expected' | 'allOf' | 'anyOf';
  needles: string;
  pattern: string;
  flags: string;
  negate: boolean;
  allowCodeFence: boolean;
  schema: string;
  rubricPromptId: string;
  rubricVersion: string;
  provider: string;
  model: string;
  samples: string;
  threshold: string;
}

let nextKey = 1;

function emptyRow(kind: EvaluatorKindName, prompts: PromptOption[]): Row {
  return {
    key: nextKey++,
    kind,
    name: '',
    value: '',
    trim: true,
    ignoreCase: false,
    containsMode: 'expected',
    needles: '',
    pattern: '',
    flags: '',
    negate: false,
    allowCodeFence: false,
    schema: '{\n  "type": "object"\n}',
    rubricPromptId:
      prompts.find((p) => p.variables.includes('input') && p.variables.includes('actual'))?.id ??
      prompts[0]?.id ??
      '',
    rubricVersion: 'production',
    provider: '',
    model: '',
    samples: '1',
    threshold: '0.7',
  };
}

function toRow(e: EvaluatorDraft, prompts: PromptOption[]): Row {
  const row = { ...emptyRow(e.kind, prompts), name: e.name ?? '' };
  switch (e.kind) {
    case 'exactMatch':
      return { ...row, value: e.value ?? '', trim: e.trim ?? true, ignoreCase: e.ignoreCase ?? false };
    case 'contains':
      return {
        ...row,
        ignoreCase: e.ignoreCase ?? false,
        containsMode: e.allOf ? 'allOf' : e.anyOf ? 'anyOf' : 'expected',
        needles: (e.allOf ?? e.anyOf ?? []).join('\n'),
      };
    case 'regex':
      return { ...row, pattern: e.pattern, flags: e.flags ?? '', negate: e.negate ?? false };
    case 'validJson':
      return { ...row, allowCodeFence: e.allowCodeFence ?? false };
    case 'jsonSchema':
      return { ...row, schema: JSON.stringify(e.schema, null, 2), allowCodeFence: e.allowCodeFence ?? false };
    case 'llmJudge':
      return {
        ...row,
        rubricPromptId: e.rubricPromptId,
        rubricVersion: String(e.rubricVersion ?? 'production'),
        provider: e.provider ?? '',
        model: e.model ?? '',
        samples: String(e.samples ?? 1),
        threshold: String(e.threshold ?? 0.7),
      };
  }
}

/** The row as the server's schema reads it; JSON Schema text that does not parse is reported here. */
function toConfig(row: Row): { config: Record<string, unknown> } | { error: string } {
  const name = row.name.trim() ? { name: row.name.trim() } : {};
  switch (row.kind) {
    case 'exactMatch':
      return {
        config: {
          kind: row.kind,
          ...name,
          ...(row.value !== '' ? { value: row.value } : {}),
          trim: row.trim,
          ignoreCase: row.ignoreCase,
        },
      };
    case 'contains': {
      const needles = row.needles
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      return {
        config: {
          kind: row.kind,
          ...name,
          ignoreCase: row.ignoreCase,
          ...(row.containsMode === 'expected' ? {} : { [row.containsMode]: needles }),
        },
      };
    }
    case 'regex':
      return {
        config: {
          kind: row.kind,
          ...name,
          pattern: row.pattern,
          flags: row.flags.trim(),
          negate: row.negate,
        },
      };
    case 'validJson':
      return { config: { kind: row.kind, ...name, allowCodeFence: row.allowCodeFence } };
    case 'jsonSchema': {
      let schema: unknown;
      try {
        schema = JSON.parse(row.schema);
      } catch (error) {
        return { error: `not valid JSON: ${(error as Error).message}` };
      }
      return { config: { kind: row.kind, ...name, schema, allowCodeFence: row.allowCodeFence } };
    }
    case 'llmJudge':
      return {
        config: {
          kind: row.kind,
          ...name,
          rubricPromptId: row.rubricPromptId,
          rubricVersion: row.rubricVersion === 'production' ? 'production' : Number(row.rubricVersion),
          ...(row.provider.trim() ? { provider: row.provider.trim() } : {}),
          ...(row.model.trim() ? { model: row.model.trim() } : {}),
          samples: Number(row.samples),
          threshold: Number(row.threshold),
        },
      };
  }
}

function Check({
  label,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
}

/**
 * The suite's evaluators, edited as a list and saved together into a new revision. A case passes
 * when every evaluator passes. The server validates everything (regexes, schemas, judge rubrics)
 * and its problems show at their fields.
 */
export function EvaluatorsEditor({
  suiteId,
  revision,
  initial,
  prompts,
  providers,
  casesWithoutExpected,
  canWrite,
  saveEvaluators,
}: {
  suiteId: string;
  revision: number;
  initial: EvaluatorDraft[];
  prompts: PromptOption[];
  providers: string[];
  /** Cases of the revision without an expected output. */
  casesWithoutExpected: number;
  canWrite: boolean;
  saveEvaluators: SaveEvaluators;
}) {
  const [rows, setRows] = useState<Row[]>(() => initial.map((e) => toRow(e, prompts)));
  const [adding, setAdding] = useState<EvaluatorKindName>('contains');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<number | null>(null);
  const mutation = useActionMutation(saveEvaluators, { onSuccess: (data) => setSaved(data.revision) });
  const serverErrors = mutation.error?.error.fieldErrors ?? {};
  const err = (i: number, field: string): string | undefined =>
    localErrors[`evaluators.${i}.${field}`] ?? serverErrors[`evaluators.${i}.${field}`]?.join(' ');
  const disabled = !canWrite;

  function update(key: number, patch: Partial<Row>) {
    setSaved(null);
    setRows((prev) => prev.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const errors: Record<string, string> = {};
    const configs = rows.map((row, i) => {
      const result = toConfig(row);
      if ('error' in result) {
        errors[`evaluators.${i}.schema`] = result.error;
        return null;
      }
      return result.config;
    });
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    mutation.mutate({ suiteId, expectedRevision: revision, message: '', evaluators: configs });
  }

  // Exact match without a value, and contains without texts, compare with each case's expected output.
  const comparesExpected = rows.some(
    (r) =>
      (r.kind === 'exactMatch' && r.value === '') || (r.kind === 'contains' && r.containsMode === 'expected'),
  );
  const rowLevel = Object.entries(serverErrors)
    .filter(([k]) => !/^evaluators\.\d+\./.test(k))
    .flatMap(([, v]) => v);

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate data-testid="evaluators-form">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        A case passes when every evaluator passes. Saving makes a new revision of the suite.
      </p>
      {comparesExpected && casesWithoutExpected > 0 ? (
        <Alert tone="info">
          {casesWithoutExpected.toLocaleString('en-US')}{' '}
          {casesWithoutExpected === 1 ? 'case has' : 'cases have'} no expected output, which an exact-match or
          contains evaluator without its own text needs to judge them. Give those cases an expected output, or
          set the evaluator&apos;s own text.
        </Alert>
      ) : null}
      {rows.length === 0 ? (
        <Alert tone="info">No evaluators: add at least one, or every run would have nothing to judge.</Alert>
      ) : null}
      {rows.map((row, i) => {
        const rubric = prompts.find((p) => p.id === row.rubricPromptId);
        const lacks = rubric ? ['input', 'actual'].filter((v) => !rubric.variables.includes(v)) : [];
        const body: ReactNode = (() => {
          switch (row.kind) {
            case 'exactMatch':
              return (
                <>
                  <Field
                    label="Compare with"
                    error={err(i, 'value')}
                    hint="Leave empty to compare with each case's expected output."
                  >
                    <Input
                      value={row.value}
                      disabled={disabled}
                      onChange={(e) => update(row.key, { value: e.target.value })}
                    />
                  </Field>
                  <div className="flex flex-wrap gap-4">
                    <Check
                      label="Trim whitespace"
                      checked={row.trim}
                      disabled={disabled}
                      onChange={(v) => update(row.key, { trim: v })}
                    />
                    <Check
                      label="Ignore case"
                      checked={row.ignoreCase}
                      disabled={disabled}
                      onChange={(v) => update(row.key, { ignoreCase: v })}
                    />
                  </div>
                </>
              );
            case 'contains':
              return (
                <>
                  <Field label="The output must contain" error={err(i, 'allOf') ?? err(i, 'anyOf')}>
                    <Select
                      value={row.containsMode}
                      disabled={disabled}
                      onChange={(e) =>
                        update(row.key, { containsMode: e.target.value as Row['containsMode'] })
                      }
                    >
                      <option value="expected">each case&apos;s expected output</option>
                      <option value="allOf">all of these texts</option>
                      <option value="anyOf">any of these texts</option>
                    </Select>
                  </Field>
                  {row.containsMode !== 'expected' ? (
                    <Field label="Texts" hint="One per line.">
                      <Textarea
                        rows={3}
                        value={row.needles}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { needles: e.target.value })}
                      />
                    </Field>
                  ) : null}
                  <Check
                    label="Ignore case"
                    checked={row.ignoreCase}
                    disabled={disabled}
                    onChange={(v) => update(row.key, { ignoreCase: v })}
                  />
                </>
              );
            case 'regex':
              return (
                <>
                  <div className="grid gap-3 sm:grid-cols-[1fr_8rem]">
                    <Field label="Pattern" error={err(i, 'pattern')}>
                      <Input
                        className="font-mono"
                        value={row.pattern}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { pattern: e.target.value })}
                      />
                    </Field>
                    <Field label="Flags" error={err(i, 'flags')} hint="d i m s u v">
                      <Input
                        className="font-mono"
                        value={row.flags}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { flags: e.target.value })}
                      />
                    </Field>
                  </div>
                  <Check
                    label="Pass when the output does NOT match"
                    checked={row.negate}
                    disabled={disabled}
                    onChange={(v) => update(row.key, { negate: v })}
                  />
                </>
              );
            case 'validJson':
              return (
                <Check
                  label="Accept a reply wrapped in one Markdown code fence"
                  checked={row.allowCodeFence}
                  disabled={disabled}
                  onChange={(v) => update(row.key, { allowCodeFence: v })}
                />
              );
            case 'jsonSchema':
              return (
                <>
                  <Field label="JSON Schema" error={err(i, 'schema')}>
                    <Textarea
                      rows={6}
                      className="font-mono text-xs"
                      value={row.schema}
                      disabled={disabled}
                      onChange={(e) => update(row.key, { schema: e.target.value })}
                    />
                  </Field>
                  <Check
                    label="Accept a reply wrapped in one Markdown code fence"
                    checked={row.allowCodeFence}
                    disabled={disabled}
                    onChange={(v) => update(row.key, { allowCodeFence: v })}
                  />
                </>
              );
            case 'llmJudge':
              return (
                <>
                  <div className="grid gap-3 sm:grid-cols-2">
                    <Field
                      label="Rubric prompt"
                      error={err(i, 'rubricPromptId')}
                      hint={
                        rubric ? (
                          <>
                            {lacks.length > 0 ? (
                              <span className="text-amber-700 dark:text-amber-300">
                                Its latest version lacks {lacks.join(' and ')}.{' '}
                              </span>
                            ) : null}
                            <Link href={`/prompts/${encodeURIComponent(rubric.id)}`} className="underline">
                              Edit the rubric in the prompt editor
                            </Link>
                          </>
                        ) : (
                          'A prompt declaring the variables input and actual (and optionally expected).'
                        )
                      }
                    >
                      <Select
                        value={row.rubricPromptId}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { rubricPromptId: e.target.value })}
                      >
                        {rubric ? null : <option value="">Choose a prompt</option>}
                        {prompts.map((p) => (
                          <option key={p.id} value={p.id}>
                            {p.name} ({p.id})
                          </option>
                        ))}
                      </Select>
                    </Field>
                    <Field label="Rubric version" error={err(i, 'rubricVersion')}>
                      <Select
                        value={row.rubricVersion}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { rubricVersion: e.target.value })}
                      >
                        <option value="production">
                          production
                          {rubric?.productionVersion ? ` (now v${rubric.productionVersion})` : ' (none yet)'}
                        </option>
                        {Array.from(
                          { length: rubric?.latestVersion ?? 0 },
                          (_, n) => (rubric?.latestVersion ?? 0) - n,
                        ).map((v) => (
                          <option key={v} value={String(v)}>
                            v{v}
                          </option>
                        ))}
                      </Select>
                    </Field>
                    <Field
                      label="Provider"
                      error={err(i, 'provider')}
                      hint="Optional: the rubric's own model settings otherwise."
                    >
                      <Select
                        value={row.provider}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { provider: e.target.value })}
                      >
                        <option value="">(the rubric&apos;s)</option>
                        {[...new Set([...providers, ...(row.provider ? [row.provider] : [])])].map((p) => (
                          <option key={p} value={p}>
                            {p}
                          </option>
                        ))}
                      </Select>
                    </Field>
                    <Field label="Model" error={err(i, 'model')} hint="Optional.">
                      <Input
                        value={row.model}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { model: e.target.value })}
                      />
                    </Field>
                    <Field
                      label="Samples (k)"
                      error={err(i, 'samples')}
                      hint="Judge calls per case; a majority decides."
                    >
                      <Input
                        type="number"
                        min={1}
                        max={10}
                        value={row.samples}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { samples: e.target.value })}
                      />
                    </Field>
                    <Field
                      label="Threshold"
                      error={err(i, 'threshold')}
                      hint="Normalised score (0–1) needed to pass."
                    >
                      <Input
                        type="number"
                        min={0}
                        max={1}
                        step={0.05}
                        value={row.threshold}
                        disabled={disabled}
                        onChange={(e) => update(row.key, { threshold: e.target.value })}
                      />
                    </Field>
                  </div>
                </>
              );
          }
        })();
        return (
          <Card
            key={row.key}
            title={`${i + 1}. ${EVALUATOR_KIND_LABELS[row.kind]}`}
            actions={
              canWrite ? (
                <Button
                  type="button"
                  variant="ghost"
                  aria-label={`Remove evaluator ${i + 1} (${EVALUATOR_KIND_LABELS[row.kind]})`}
                  onClick={() => {
                    setSaved(null);
                    setRows((prev) => prev.filter((r) => r.key !== row.key));
                  }}
                >
                  Remove
                </Button>
              ) : undefined
            }
          >
            <div className="space-y-3" data-testid="evaluator">
              <Field
                label="Name"
                error={err(i, 'name')}
                hint="Optional: results are keyed by it (the kind otherwise)."
              >
                <Input
                  value={row.name}
                  maxLength={100}
                  disabled={disabled}
                  onChange={(e) => update(row.key, { name: e.target.value })}
                />
              </Field>
              {body}
              {serverErrors[`evaluators.${i}`] ? (
                <Alert>{serverErrors[`evaluators.${i}`]?.join(' ')}</Alert>
              ) : null}
            </div>
          </Card>
        );
      })}
      {canWrite ? (
        <div className="flex flex-wrap items-end gap-2">
          <label className="space-y-1 text-sm">
            <span className="font-medium">Add an evaluator</span>
            <select
              value={adding}
              onChange={(e) => setAdding(e.target.value as EvaluatorKindName)}
              className="block rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            >
              {(Object.keys(EVALUATOR_KIND_LABELS) as EvaluatorKindName[]).map((k) => (
                <option key={k} value={k}>
                  {EVALUATOR_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              setSaved(null);
              setRows((prev) => [...prev, emptyRow(adding, prompts)]);
            }}
          >
            Add
          </Button>
        </div>
      ) : null}
      {mutation.error ? (
        <Alert>
          {mutation.error.message}
          {rowLevel.length > 0 ? <span className="block">{rowLevel.join(' ')}</span> : null}
        </Alert>
      ) : null}
      {saved !== null ? <Alert tone="info">Saved as revision {saved}.</Alert> : null}
      {canWrite ? (
        <div className="flex justify-end">
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save evaluators'}
          </Button>
        </div>
      ) : null}
    </form>
  );
}
