'use client';

import { Button } from '@/components/ui/button';
import type { Message } from '@/lib/loom/core/prompt';
import { whyNotRendered } from './preview-problems';
import type { PreviewResult } from './types';
import type { PreviewState } from './use-preview';

function formatCost(micros: number | null): string {
  if (micros === null) return 'cost unknown for this model';
  const dollars = micros / 1_000_000;
  return `≈ $${dollars < 0.01 ? dollars.toFixed(6) : dollars.toFixed(4)}`;
}

function CostLine({ result }: { result: PreviewResult }) {
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="preview-cost">
      {result.tokens
        ? `${result.tokens.input} input tokens${result.tokens.isExact ? '' : ' (estimated)'}`
        : ''}
      {result.tokens && result.tokens.maxOutput > 0 ? ` + up to ${result.tokens.maxOutput} output` : ''} ·{' '}
      {result.model} · {formatCost(result.costMicros)}
    </p>
  );
}

function Messages({ messages, stale }: { messages: Message[]; stale: boolean }) {
  return (
    <ol
      className={`space-y-2 ${stale ? 'opacity-60' : ''}`}
      data-testid={stale ? 'preview-stale' : undefined}
    >
      {messages.map((message, index) => (
        <li
          key={index}
          className="rounded-md border border-zinc-200 bg-zinc-50 p-2 dark:border-zinc-800 dark:bg-zinc-950"
        >
          <div className="text-xs font-semibold text-zinc-500 uppercase">{message.role}</div>
          <pre
            className="font-mono text-sm whitespace-pre-wrap"
            data-testid={stale ? 'preview-stale-message' : 'preview-message'}
          >
            {message.content}
          </pre>
        </li>
      ))}
    </ol>
  );
}

/**
 * The rendered messages exactly as sent, with their token count and estimated cost. While the
 * draft does not render, it says why and where, and keeps the last good messages (marked as such)
 * instead of blanking.
 */
export function PreviewPane({
  state,
  blocked,
  onDeclare,
}: {
  state: PreviewState;
  blocked: string | null;
  /** Declares a variable used in a template; absent when the editor is read-only. */
  onDeclare?: (name: string) => void;
}) {
  const result = state.result;
  const problem = result ? whyNotRendered(result) : null;
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
      ) : problem === null && result.messages !== null ? (
        <>
          <CostLine result={result} />
          <Messages messages={result.messages} stale={false} />
        </>
      ) : (
        <>
          <div
            className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
            data-testid="preview-blocked"
          >
            <p>{problem?.reason}</p>
            {onDeclare && problem && problem.undeclared.length > 0 ? (
              <div className="flex flex-wrap gap-2">
                {problem.undeclared.map((name) => (
                  <Button key={name} variant="secondary" onClick={() => onDeclare(name)}>
                    Declare {name}
                  </Button>
                ))}
              </div>
            ) : null}
          </div>
          {state.lastRendered?.messages ? (
            <>
              <p className="text-xs text-zinc-500">Last preview that rendered (before this change):</p>
              <Messages messages={state.lastRendered.messages} stale />
            </>
          ) : null}
        </>
      )}
    </div>
  );
}
