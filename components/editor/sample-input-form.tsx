'use client';

import type { Variable } from '@/lib/loom/core/prompt';
import { blankChoice } from '../playground/sample-input';
import { IssueList } from './issue-list';
import { issuesAt } from './issues';
import type { EditorIssue } from './types';

const CONTROL =
  'w-full rounded border border-zinc-300 bg-white px-2 py-1 text-sm aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900';

/** One control per declared variable, shaped by its type; values stay text and the server coerces them. */
export function SampleInputForm({
  variables,
  values,
  onChange,
  issues,
}: {
  variables: Variable[];
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  issues: readonly EditorIssue[];
}) {
  if (variables.length === 0) {
    return <p className="text-sm text-zinc-500">Declare variables to fill them in here.</p>;
  }
  const set = (name: string, value: string) => onChange({ ...values, [name]: value });
  return (
    <div className="space-y-2" data-testid="sample-input">
      {variables.map((variable) => {
        const messages = issuesAt(issues, variable.name);
        const common = {
          className: CONTROL,
          'aria-label': `Sample ${variable.name}`,
          'aria-invalid': messages.length > 0,
          value: values[variable.name] ?? '',
        };
        return (
          <label key={variable.name} className="block space-y-0.5 text-xs">
            <span className="font-mono text-zinc-600 dark:text-zinc-400">
              {variable.name}
              {variable.required ? ' *' : ''} <span className="text-zinc-400">({variable.type})</span>
            </span>
            {variable.type === 'enum' ? (
              <select {...common} onChange={(e) => set(variable.name, e.target.value)}>
                <option value="">{blankChoice(variable)}</option>
                {(variable.values ?? []).map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            ) : variable.type === 'boolean' ? (
              <select {...common} onChange={(e) => set(variable.name, e.target.value)}>
                <option value="">{blankChoice(variable)}</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : variable.type === 'list' || variable.type === 'json' ? (
              <textarea
                {...common}
                rows={2}
                placeholder={variable.type === 'list' ? 'one item per line' : 'JSON'}
                onChange={(e) => set(variable.name, e.target.value)}
              />
            ) : (
              <input
                {...common}
                inputMode={variable.type === 'number' ? 'decimal' : undefined}
                onChange={(e) => set(variable.name, e.target.value)}
              />
            )}
            <IssueList messages={messages} />
          </label>
        );
      })}
    </div>
  );
}
