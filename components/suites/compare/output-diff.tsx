'use client';

import { useMemo } from 'react';
import { diffStats, wordDiff } from './word-diff';

/** Baseline → candidate output as one text with removed words struck through and added words underlined. */
export function OutputDiff({ before, after }: { before: string; after: string }) {
  const parts = useMemo(() => wordDiff(before, after), [before, after]);
  const { removed, added } = diffStats(parts);
  const identical = parts.every((p) => p.op === 'equal');
  return (
    <div className="space-y-1">
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="diff-summary">
        {identical ? 'The outputs are identical.' : `${removed} words removed, ${added} added.`}
      </p>
      <pre
        className="max-h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-sm whitespace-pre-wrap break-words dark:border-zinc-800 dark:bg-zinc-950"
        data-testid="output-diff"
      >
        {parts.map((part, i) =>
          part.op === 'equal' ? (
            <span key={i}>{part.text}</span>
          ) : part.op === 'delete' ? (
            <del
              key={i}
              className="bg-red-100 text-red-900 decoration-red-700 dark:bg-red-950 dark:text-red-200 dark:decoration-red-300"
            >
              <span className="sr-only">[removed: </span>
              {part.text}
              <span className="sr-only">]</span>
            </del>
          ) : (
            <ins
              key={i}
              className="bg-emerald-100 text-emerald-900 decoration-emerald-700 dark:bg-emerald-950 dark:text-emerald-200 dark:decoration-emerald-300"
            >
              <span className="sr-only">[added: </span>
              {part.text}
              <span className="sr-only">]</span>
            </ins>
          ),
        )}
      </pre>
    </div>
  );
}
