'use client';

import type { PreviewState } from './use-preview';

function formatCost(micros: number | null): string {
  if (micros === null) return 'cost unknown for this model';
  const dollars = micros / 1_000_000;
  return `≈ $${dollars < 0.01 ? dollars.toFixed(6) : dollars.toFixed(4)}`;
}

/** The rendered messages exactly as sent, with their token count and estimated cost. */
export function PreviewPane({ state, blocked }: { state: PreviewState; blocked: string | null }) {
  const result = state.result;
  return (
    <div className="space-y-2" data-testid="preview" aria-live="polite">
      {blocked ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {blocked}
        </p>
      ) : null}
      {state.status === 'error' ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
      {result === null ? (
        <p className="text-sm text-zinc-500">Rendering…</p>
      ) : result.messages === null ? (
        <p className="text-sm text-zinc-500" data-testid="preview-blocked">
          {result.renderError ?? 'Fix the problems marked in the editor to see the messages.'}
        </p>
      ) : (
        <>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="preview-cost">
            {result.tokens
              ? `${result.tokens.input} input tokens${result.tokens.isExact ? '' : ' (estimated)'}`
              : ''}
            {result.tokens && result.tokens.maxOutput > 0 ? ` + up to ${result.tokens.maxOutput} output` : ''}{' '}
            · {result.model} · {formatCost(result.costMicros)}
          </p>
          <ol className="space-y-2">
            {result.messages.map((message, index) => (
              <li
                key={index}
                className="rounded-md border border-zinc-200 bg-zinc-50 p-2 dark:border-zinc-800 dark:bg-zinc-950"
              >
                <div className="text-xs font-semibold text-zinc-500 uppercase">{message.role}</div>
                <pre className="font-mono text-sm whitespace-pre-wrap" data-testid="preview-message">
                  {message.content}
                </pre>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
