'use client';

import type { Example, Variable } from '@/lib/loom/core/prompt';
import { Button } from '@/components/ui/button';
import { CONTROL } from './controls';
import { IssueList } from './issue-list';
import { issuesAt, valueText } from './issues';
import type { EditorIssue } from './types';

/**
 * Few-shot examples: an input per declared variable and the assistant's reply. Each is checked
 * against the variables by the preview and the save, and its problems show under it.
 */
export function ExamplesEditor({
  examples,
  variables,
  onChange,
  issues,
  readOnly,
}: {
  examples: Example[];
  variables: Variable[];
  onChange: (examples: Example[]) => void;
  issues: readonly EditorIssue[];
  readOnly: boolean;
}) {
  const update = (index: number, example: Example) =>
    onChange(examples.map((e, i) => (i === index ? example : e)));
  return (
    <div className="space-y-3">
      {examples.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No examples. Examples are sent as user/assistant turns before the real input.
        </p>
      ) : null}
      {examples.map((example, index) => {
        // Inputs for names no longer declared stay visible so the user can see and clear them.
        const names = [...new Set([...variables.map((v) => v.name), ...Object.keys(example.input)])];
        return (
          <fieldset
            key={index}
            data-testid="example"
            className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
          >
            <legend className="px-1 text-xs font-medium text-zinc-500">Example {index + 1}</legend>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
              {names.map((name) => (
                <label key={name} className="space-y-0.5 text-xs">
                  <span className="font-mono text-zinc-600 dark:text-zinc-400">{name}</span>
                  <input
                    className={CONTROL}
                    aria-label={`Example ${index + 1} ${name}`}
                    aria-invalid={issuesAt(issues, `examples.${index}.input.${name}`).length > 0}
                    readOnly={readOnly}
                    value={valueText(example.input[name])}
                    onChange={(e) => {
                      const input = { ...example.input };
                      if (e.target.value === '') delete input[name];
                      else input[name] = e.target.value;
                      update(index, { ...example, input });
                    }}
                  />
                </label>
              ))}
            </div>
            <label className="block space-y-0.5 text-xs">
              <span className="text-zinc-600 dark:text-zinc-400">Assistant reply</span>
              <textarea
                className={CONTROL}
                rows={2}
                aria-label={`Example ${index + 1} reply`}
                readOnly={readOnly}
                value={example.output}
                onChange={(e) => update(index, { ...example, output: e.target.value })}
              />
            </label>
            <IssueList messages={issuesAt(issues, `examples.${index}`)} testId="example-issues" />
            {readOnly ? null : (
              <Button
                variant="ghost"
                aria-label={`Remove example ${index + 1}`}
                onClick={() => onChange(examples.filter((_, i) => i !== index))}
              >
                Remove example
              </Button>
            )}
          </fieldset>
        );
      })}
      {readOnly ? null : (
        <Button variant="secondary" onClick={() => onChange([...examples, { input: {}, output: '' }])}>
          Add example
        </Button>
      )}
    </div>
  );
}
