'use client';

import { useState } from 'react';
import { VARIABLE_TYPES, type Variable, type VariableType } from '@/lib/loom/core/prompt';
import { Button } from '@/components/ui/button';
import { IssueList } from './issue-list';
import { issuesAt, valueText } from './issues';
import type { EditorIssue } from './types';

const CELL =
  'w-full rounded border border-zinc-300 bg-white px-2 py-1 text-sm aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900';

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
    <div className="space-y-2">
      <table className="w-full text-sm" data-testid="variables-table">
        <thead className="text-left text-xs text-zinc-500 uppercase">
          <tr>
            <th className="pb-1">Name</th>
            <th className="pb-1">Type</th>
            <th className="pb-1">Required</th>
            <th className="pb-1">Default</th>
            <th className="pb-1">Description</th>
            <th className="pb-1">Allowed values / constraints</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {variables.map((variable, index) => {
            const rowIssues = issuesAt(issues, `variables.${index}`);
            const invalid = (field: string) => issuesAt(issues, `variables.${index}.${field}`).length > 0;
            return (
              <tr
                key={index}
                data-testid="variable-row"
                className="border-t border-zinc-100 align-top dark:border-zinc-800"
              >
                <td className="py-1 pr-2">
                  <input
                    className={CELL}
                    aria-label="Variable name"
                    aria-invalid={invalid('name')}
                    value={variable.name}
                    readOnly={readOnly}
                    onChange={(e) => update(index, { name: e.target.value })}
                  />
                  <IssueList messages={rowIssues} testId="variable-issues" />
                </td>
                <td className="py-1 pr-2">
                  <select
                    className={CELL}
                    aria-label="Variable type"
                    value={variable.type}
                    disabled={readOnly}
                    onChange={(e) =>
                      onChange(
                        variables.map((v, i) =>
                          i === index ? retype(v, e.target.value as VariableType) : v,
                        ),
                      )
                    }
                  >
                    {VARIABLE_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {type}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="py-1 pr-2 text-center">
                  <input
                    type="checkbox"
                    aria-label="Required"
                    checked={variable.required}
                    disabled={readOnly}
                    onChange={(e) => update(index, { required: e.target.checked })}
                  />
                </td>
                <td className="py-1 pr-2">
                  <input
                    className={CELL}
                    aria-label="Default"
                    aria-invalid={invalid('default')}
                    value={valueText(variable.default)}
                    readOnly={readOnly}
                    onChange={(e) =>
                      update(index, { default: e.target.value === '' ? undefined : e.target.value })
                    }
                  />
                </td>
                <td className="py-1 pr-2">
                  <input
                    className={CELL}
                    aria-label="Description"
                    value={variable.description ?? ''}
                    readOnly={readOnly}
                    onChange={(e) => update(index, { description: e.target.value || undefined })}
                  />
                </td>
                <td className="py-1 pr-2">
                  <Constraints
                    variable={variable}
                    readOnly={readOnly}
                    onPatch={(patch) => update(index, patch)}
                  />
                </td>
                <td className="py-1">
                  {readOnly ? null : (
                    <Button
                      variant="ghost"
                      aria-label={`Remove variable ${variable.name}`}
                      onClick={() => onChange(variables.filter((_, i) => i !== index))}
                    >
                      ✕
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {variables.length === 0 ? <p className="text-sm text-zinc-500">No variables declared.</p> : null}
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

function Constraints({
  variable,
  readOnly,
  onPatch,
}: {
  variable: Variable;
  readOnly: boolean;
  onPatch: (patch: Partial<Variable>) => void;
}) {
  const numberField = (key: 'min' | 'max' | 'minLength' | 'maxLength', label: string) => (
    <input
      type="number"
      className={`${CELL} w-20`}
      aria-label={label}
      placeholder={label}
      readOnly={readOnly}
      value={variable[key] ?? ''}
      onChange={(e) => onPatch({ [key]: optionalNumber(e.target.value) })}
    />
  );
  switch (variable.type) {
    case 'enum':
      return (
        <EnumValues
          values={variable.values ?? []}
          readOnly={readOnly}
          onChange={(values) => onPatch({ values })}
        />
      );
    case 'number':
      return (
        <div className="flex gap-1">
          {numberField('min', 'min')}
          {numberField('max', 'max')}
        </div>
      );
    case 'string':
      return (
        <div className="flex gap-1">
          {numberField('minLength', 'min length')}
          {numberField('maxLength', 'max length')}
          <input
            className={CELL}
            aria-label="Pattern"
            placeholder="pattern (regex)"
            readOnly={readOnly}
            value={variable.pattern ?? ''}
            onChange={(e) => onPatch({ pattern: e.target.value || undefined })}
          />
        </div>
      );
    case 'list':
      return (
        <div className="flex gap-1">
          {numberField('minLength', 'min items')}
          {numberField('maxLength', 'max items')}
        </div>
      );
    default:
      return <span className="text-xs text-zinc-400">—</span>;
  }
}

/** Edits the text as typed (a trailing comma stays) and reports the parsed list. */
function EnumValues({
  values,
  readOnly,
  onChange,
}: {
  values: string[];
  readOnly: boolean;
  onChange: (values: string[]) => void;
}) {
  const [text, setText] = useState(values.join(', '));
  return (
    <input
      className={CELL}
      aria-label="Allowed values"
      placeholder="comma-separated values"
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
  );
}
