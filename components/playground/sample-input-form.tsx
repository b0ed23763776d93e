'use client';

import type { Variable } from '@/lib/loom/core/prompt';
import { Field, Input, Select } from '../ui/field';
import { blankChoice, type SampleValue } from './sample-input';

const TEXTAREA =
  'w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-xs outline-none focus:border-accent focus:ring-2 focus:ring-accent/30 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900';

const HINTS: Partial<Record<Variable['type'], string>> = {
  list: 'one item per line',
  json: 'JSON',
};

/** A form generated from a prompt's typed variables; values stay text until the server coerces them. */
export function SampleInputForm({
  variables,
  values,
  errors,
  onChange,
}: {
  variables: Variable[];
  values: Record<string, SampleValue>;
  errors: Record<string, string>;
  onChange: (name: string, value: SampleValue) => void;
}) {
  if (variables.length === 0) {
    return <p className="text-sm text-zinc-500">This prompt declares no variables.</p>;
  }
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-sm font-semibold">Sample input</legend>
      {variables.map((variable) => {
        const value = values[variable.name];
        const error = errors[variable.name];
        const hint = [variable.type, variable.required ? 'required' : 'optional', HINTS[variable.type]]
          .filter(Boolean)
          .join(' · ');
        const label = `${variable.name}${variable.required ? ' *' : ''}`;
        const common = { name: variable.name, 'aria-invalid': Boolean(error), title: variable.description };
        let control;
        if (variable.type === 'boolean') {
          control = (
            <input
              type="checkbox"
              {...common}
              checked={value === true}
              onChange={(e) => onChange(variable.name, e.target.checked)}
            />
          );
        } else if (variable.type === 'enum') {
          control = (
            <Select
              {...common}
              value={String(value ?? '')}
              onChange={(e) => onChange(variable.name, e.target.value)}
            >
              {variable.required ? null : <option value="">{blankChoice(variable)}</option>}
              {(variable.values ?? []).map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          );
        } else if (variable.type === 'number') {
          control = (
            <Input
              {...common}
              inputMode="decimal"
              value={String(value ?? '')}
              onChange={(e) => onChange(variable.name, e.target.value)}
            />
          );
        } else {
          control = (
            <textarea
              {...common}
              className={`${TEXTAREA} ${variable.type === 'json' ? 'font-mono' : ''}`}
              rows={variable.type === 'string' ? 2 : 3}
              value={String(value ?? '')}
              onChange={(e) => onChange(variable.name, e.target.value)}
            />
          );
        }
        return (
          <div key={variable.name} data-testid={`sample-${variable.name}`}>
            <Field label={label} error={error}>
              {control}
            </Field>
            <p className="mt-0.5 text-xs text-zinc-500">
              {hint}
              {variable.description ? ` — ${variable.description}` : ''}
            </p>
          </div>
        );
      })}
    </fieldset>
  );
}
