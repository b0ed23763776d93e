'use client';

import type { Variable } from '@/lib/loom/core/prompt';
import { blankChoice } from '../playground/sample-input';
import { CONTROL } from './controls';
import { IssueList } from './issue-list';
import { issuesAt } from './issues';
import type { EditorIssue } from './types';

/**
 * One control per declared variable, shaped by its type; values stay text and the server coerces
 * them. `values` are the prefilled values (first example, else default) under the user's edits. A
 * required field nobody has typed in yet is a hint, not an error: it turns red once edited.
 */
export function SampleInputForm({
  variables,
  values,
  edited,
  onChange,
  issues,
}: {
  variables: Variable[];
  values: Record<string, string>;
  edited: Readonly<Record<string, string>>;
  onChange: (name: string, value: string) => void;
  issues: readonly EditorIssue[];
}) {
  if (variables.length === 0) {
    return <p className="text-sm text-zinc-500">Declare variables to fill them in here.</p>;
  }
  const set = onChange;
  return (
    <div className="space-y-2" data-testid="sample-input">
      {variables.map((variable) => {
        const messages = issuesAt(issues, variable.name);
        const value = values[variable.name] ?? '';
        const isUntouchedBlank = value === '' && !Object.hasOwn(edited, variable.name);
        const common = {
          className: CONTROL,
          'aria-label': `Sample ${variable.name}`,
          'aria-invalid': messages.length > 0 && !isUntouchedBlank,
          value,
        };
        return (
          <label key={variable.name} className="block space-y-0.5 text-xs">
            <span className="font-mono text-zinc-600 dark:text-zinc-400">
              {variable.name}
              {variable.required ? ' *' : ''}{' '}
              <span className="text-zinc-500 dark:text-zinc-400">({variable.type})</span>
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
            {isUntouchedBlank && messages.length > 0 ? (
              <span className="block text-zinc-500">Required: type a sample value to see the preview.</span>
            ) : (
              <IssueList messages={messages} />
            )}
          </label>
        );
      })}
    </div>
  );
}
