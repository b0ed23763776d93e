'use client';

import { useState } from 'react';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { formatCost } from './format-cost';
import { RenderedMessages } from './rendered-messages';
import type { SessionRun } from './run-log';

/** Side by side reads well up to three columns; a fourth would squeeze every answer. */
const MAX_COMPARED = 3;

const STATUS: Record<SessionRun['status'], string> = {
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/**
 * The runs of this tab, newest first and numbered from the first; tick up to three to read them side
 * by side (source, model, input, messages sent, answer, figures).
 */
export function RunHistory({ runs, onClear }: { runs: SessionRun[]; onClear: () => void }) {
  const [picked, setPicked] = useState<string[]>([]);
  if (runs.length === 0) return null;
  const number = (run: SessionRun) => runs.length - runs.indexOf(run);
  const compared = runs.filter((run) => picked.includes(run.id));

  function toggle(id: string, on: boolean) {
    setPicked((all) => (on ? [...all, id].slice(-MAX_COMPARED) : all.filter((p) => p !== id)));
  }

  return (
    <Card
      title="Runs this session"
      actions={
        <Button variant="ghost" onClick={onClear}>
          Clear
        </Button>
      }
    >
      <p className="mb-2 text-xs text-zinc-500">
        Tick up to {MAX_COMPARED} runs to compare them side by side.
      </p>
      <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" aria-label="Runs this session">
        {runs.map((run) => (
          <li key={run.id} data-testid="session-run" className="flex items-start gap-3 py-2">
            <input
              type="checkbox"
              aria-label={`Compare run ${number(run)}`}
              checked={picked.includes(run.id)}
              onChange={(e) => toggle(run.id, e.target.checked)}
              className="mt-1"
            />
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap gap-x-2 text-xs text-zinc-500">
                <span className="font-semibold text-zinc-700 dark:text-zinc-300">Run {number(run)}</span>
                <span>{run.source}</span>
                <span>
                  {run.provider} · {run.model}
                </span>
                <span>{STATUS[run.status]}</span>
                {run.metrics ? <span>{Math.round(run.metrics.latencyMs)} ms</span> : null}
              </div>
              <p className="truncate">{run.error ?? run.output}</p>
            </div>
          </li>
        ))}
      </ul>
      {compared.length > 0 ? (
        <section
          aria-label="Compared runs"
          className="mt-4 grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3"
        >
          {compared.map((run) => (
            <article
              key={run.id}
              data-testid="compared-run"
              aria-label={`Run ${number(run)}`}
              className="min-w-0 space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
            >
              <h3 className="text-sm font-semibold">
                Run {number(run)} · {run.source} · {run.model}
              </h3>
              <dl className="text-xs">
                {Object.entries(run.input).map(([name, value]) => (
                  <div key={name} className="flex gap-1">
                    <dt className="text-zinc-500">{name}:</dt>
                    <dd className="min-w-0 break-words">
                      {typeof value === 'string' ? value : JSON.stringify(value)}
                    </dd>
                  </div>
                ))}
              </dl>
              {run.messages.length > 0 ? <RenderedMessages messages={run.messages} /> : null}
              <pre className="rounded-md bg-zinc-50 p-2 text-sm break-words whitespace-pre-wrap dark:bg-zinc-950">
                {run.error ?? run.output}
              </pre>
              {run.metrics ? (
                <p className="text-xs text-zinc-500">
                  {Math.round(run.metrics.latencyMs)} ms · {run.metrics.inputTokens} in ·{' '}
                  {run.metrics.outputTokens} out · {formatCost(run.metrics.costMicros, run.model)}
                </p>
              ) : (
                <p className="text-xs text-zinc-500">{STATUS[run.status]}</p>
              )}
            </article>
          ))}
        </section>
      ) : null}
    </Card>
  );
}
