'use client';

import { useState } from 'react';
import { VARIABLE_TYPES, type Variable, type VariableType } from '@/lib/loom/core/prompt';
import { Button } from '@/components/ui/button';
import { CONTROL, LABEL } from './controls';
import { IssueList } from './issue-list';
import { issuesAt, valueText } from './issues';
import type { EditorIssue } from './types';

function optionalNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Keeps what every type shares when the type changes; type-specific constraints would be invalid. */
function retype(variable: Variable, type: VariableType): Variable {
  const { name, required, description, default: fallback } = variable;
  return {
    name,
    type,
    required,
    ...(description !== undefined ? { description } : {}),
    ...(fallback !== undefined ? { default: fallback } : {}),
    ...(type === 'enum' ? { values: [] } : {}),
  };
}

/** How a row's controls are named for assistive tech: by the variable's name, or its position while unnamed. */
function rowName(variable: Variable, index: number): string {
  return variable.name.trim() === '' ? `variable ${index + 1}` : variable.name;
}

/**
 * One labelled row editor per variable: every field keeps a visible label (also once filled), the
 * grid wraps to one column on a phone, and each control's accessible name says which variable it
 * belongs to ("Type of tone", "Remove variable tone").
 */
export function VariablesTable({
  variables,
  onChange,
  issues,
  readOnly,
}: {
  variables: Variable[];
  onChange: (variables: Variable[]) => void;
  issues: readonly EditorIssue[];
  readOnly: boolean;
}) {
  const update = (index: number, patch: Partial<Variable>) =>
    onChange(variables.map((v, i) => (i === index ? dropUndefined({ ...v, ...patch }) : v)));

  return (
    <div className="space-y-3" data-testid="variables-table">
      {variables.length === 0 ? <p className="text-sm text-zinc-500">No variables declared.</p> : null}
      {variables.map((variable, index) => {
        const at = (field: string) => issuesAt(issues, `variables.${index}.${field}`);
        const who = rowName(variable, index);
        return (
          <fieldset
            key={index}
            data-testid="variable-row"
            className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
          >
            <legend className="px-1 font-mono text-xs text-zinc-500">
              {variable.name || `Variable ${index + 1}`}
            </legend>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-[minmax(8rem,1fr)_8rem_minmax(8rem,1fr)_auto]">
              <label className={LABEL}>
                <span>Name</span>
                <input
                  className={`${CONTROL} font-mono`}
                  aria-label={`Name of variable ${index + 1}`}
                  aria-invalid={at('name').length > 0}
                  value={variable.name}
                  readOnly={readOnly}
                  spellCheck={false}
                  onChange={(e) => update(index, { name: e.target.value })}
                />
              </label>
              <label className={LABEL}>
                <span>Type</span>
                <select
                  className={CONTROL}
                  aria-label={`Type of ${who}`}
                  value={variable.type}
                  disabled={readOnly}
                  onChange={(e) =>
                    onChange(
                      variables.map((v, i) => (i === index ? retype(v, e.target.value as VariableType) : v)),
                    )
                  }
                >
                  {VARIABLE_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {type}
                    </option>
                  ))}
                </select>
              </label>
              <label className={LABEL}>
                <span>Default</span>
                <input
                  className={CONTROL}
                  aria-label={`Default of ${who}`}
                  aria-invalid={at('default').length > 0}
                  placeholder="none"
                  value={valueText(variable.default)}
                  readOnly={readOnly}
                  onChange={(e) =>
                    update(index, { default: e.target.value === '' ? undefined : e.target.value })
                  }
                />
              </label>
              <label className="flex items-center gap-2 self-end pb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
                <input
                  type="checkbox"
                  className="focus-visible:outline-2 focus-visible:outline-accent"
                  aria-label={`${who} is required`}
                  checked={variable.required}
                  disabled={readOnly}
                  onChange={(e) => update(index, { required: e.target.checked })}
                />
                <span>Required</span>
              </label>
              <label className={`${LABEL} sm:col-span-2`}>
                <span>Description</span>
                <input
                  className={CONTROL}
                  aria-label={`Description of ${who}`}
                  value={variable.description ?? ''}
                  readOnly={readOnly}
                  onChange={(e) => update(index, { description: e.target.value || undefined })}
                />
              </label>
              <div className="sm:col-span-2">
                <Constraints
                  variable={variable}
                  who={who}
                  readOnly={readOnly}
                  invalid={(field) => at(field).length > 0}
                  onPatch={(patch) => update(index, patch)}
                />
              </div>
            </div>
            <div className="flex flex-wrap items-start justify-between gap-2">
              <IssueList messages={issuesAt(issues, `variables.${index}`)} testId="variable-issues" />
              {readOnly ? null : (
                <Button
                  variant="ghost"
                  className="ml-auto"
                  aria-label={`Remove variable ${who}`}
                  onClick={() => onChange(variables.filter((_, i) => i !== index))}
                >
                  Remove
                </Button>
              )}
            </div>
          </fieldset>
        );
      })}
      {readOnly ? null : (
        <Button
          variant="secondary"
          onClick={() =>
            onChange([...variables, { name: nextName(variables), type: 'string', required: false }])
          }
        >
          Add variable
        </Button>
      )}
    </div>
  );
}

function nextName(variables: readonly Variable[]): string {
  const taken = new Set(variables.map((v) => v.name));
  for (let n = 1; ; n++) if (!taken.has(`var_${n}`)) return `var_${n}`;
}

function dropUndefined(variable: Variable): Variable {
  return Object.fromEntries(Object.entries(variable).filter(([, value]) => value !== undefined)) as Variable;
}

type NumberKey = 'min' | 'max' | 'minLength' | 'maxLength';

function Constraints({
  variable,
  who,
  readOnly,
  invalid,
  onPatch,
}: {
  variable: Variable;
  who: string;
  readOnly: boolean;
  invalid: (field: string) => boolean;
  onPatch: (patch: Partial<Variable>) => void;
}) {
  const numberField = (key: NumberKey, label: string) => (
    <label key={key} className={LABEL}>
      <span>{label}</span>
      <input
        type="number"
        className={CONTROL}
        aria-label={`${label} of ${who}`}
        aria-invalid={invalid(key)}
        readOnly={readOnly}
        value={variable[key] ?? ''}
        onChange={(e) => onPatch({ [key]: optionalNumber(e.target.value) })}
      />
    </label>
  );
  const grid = 'grid grid-cols-2 gap-2 sm:grid-cols-3';
  switch (variable.type) {
    case 'enum':
      return (
        <EnumValues
          values={variable.values ?? []}
          who={who}
          invalid={invalid('values')}
          readOnly={readOnly}
          onChange={(values) => onPatch({ values })}
        />
      );
    case 'number':
      return <div className={grid}>{[numberField('min', 'Minimum'), numberField('max', 'Maximum')]}</div>;
    case 'string':
      return (
        <div className={grid}>
          {numberField('minLength', 'Min length')}
          {numberField('maxLength', 'Max length')}
          <label className={`${LABEL} col-span-2 sm:col-span-1`}>
            <span>Pattern</span>
            <input
              className={`${CONTROL} font-mono`}
              aria-label={`Pattern of ${who}`}
              placeholder="regex"
              aria-invalid={invalid('pattern')}
              readOnly={readOnly}
              value={variable.pattern ?? ''}
              onChange={(e) => onPatch({ pattern: e.target.value || undefined })}
            />
          </label>
        </div>
      );
    case 'list':
      return (
        <div className={grid}>
          {numberField('minLength', 'Min items')}
          {numberField('maxLength', 'Max items')}
        </div>
      );
    default:
      return null;
  }
}

/** Edits the text as typed (a trailing comma stays) and reports the parsed list. */
function EnumValues({
  values,
  who,
  invalid,
  readOnly,
  onChange,
}: {
  values: string[];
  who: string;
  invalid: boolean;
  readOnly: boolean;
  onChange: (values: string[]) => void;
}) {
  const [text, setText] = useState(values.join(', '));
  return (
    <label className={LABEL}>
      <span>Allowed values (comma-separated)</span>
      <input
        className={CONTROL}
        aria-label={`Allowed values of ${who}`}
        aria-invalid={invalid}
        readOnly={readOnly}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange(
            e.target.value
              .split(',')
              .map((v) => v.trim())
              .filter((v) => v !== ''),
          );
        }}
      />
    </label>
  );
}
