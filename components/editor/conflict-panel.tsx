'use client';

import { Button } from '@/components/ui/button';
import { diffDrafts } from './draft-diff';
import type { EditorBase } from './types';

/**
 * Someone saved a newer version after this editor loaded: show what they changed (loaded version
 * → newer latest) and let the user choose. Nothing is overwritten without this choice.
 */
export function ConflictPanel({
  loaded,
  latest,
  onKeepMine,
  onTakeTheirs,
}: {
  loaded: EditorBase;
  latest: EditorBase;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  const changes = diffDrafts(loaded.draft, latest.draft);
  return (
    <section
      role="alert"
      data-testid="save-conflict"
      className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950"
    >
      <h2 className="font-semibold text-amber-900 dark:text-amber-200">
        Not saved: v{latest.version} was saved{latest.author ? ` by ${latest.author}` : ''} after you opened v
        {loaded.version}.
      </h2>
      <p className="text-amber-900 dark:text-amber-200">
        Their changes since v{loaded.version} are below. Your draft is untouched.
      </p>
      {changes.length === 0 ? (
        <p>The newer version has the same content as the one you opened.</p>
      ) : (
        changes.map((change) => (
          <div key={change.field} data-testid="conflict-diff">
            <h3 className="text-xs font-semibold uppercase">{change.field}</h3>
            <pre className="overflow-x-auto rounded border border-amber-200 bg-white p-2 font-mono text-xs dark:border-amber-900 dark:bg-zinc-950">
              {change.lines.map((line, index) => (
                <div
                  key={index}
                  className={
                    line.kind === 'added'
                      ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
                      : line.kind === 'removed'
                        ? 'bg-red-100 text-red-900 line-through dark:bg-red-950 dark:text-red-200'
                        : ''
                  }
                >
                  {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                  {line.text}
                </div>
              ))}
            </pre>
          </div>
        ))
      )}
      <div className="flex gap-2">
        <Button variant="secondary" onClick={onTakeTheirs}>
          Discard my draft and load v{latest.version}
        </Button>
        <Button onClick={onKeepMine}>Keep my draft on top of v{latest.version}</Button>
      </div>
    </section>
  );
}
