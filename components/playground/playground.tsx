'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { Message } from '@/lib/loom/core/prompt';
import { errorMessage } from '@/lib/client/action-result';
import { Button } from '../ui/button';
import { Alert, Card } from '../ui/card';
import { Field, Input, Select } from '../ui/field';
import { parseDraft, readDraftText, subscribeToDrafts, type StoredDraft } from './draft-store';
import { formatCost } from './format-cost';
import { RenderedMessages } from './rendered-messages';
import { RunHistory } from './run-history';
import { clearRuns, parseRuns, readRunsText, recordRun, subscribeToRuns, type SessionRun } from './run-log';
import { SaveTestCaseButton, type TestCaseTarget } from '../suites/save-test-case';
import { SampleInputForm } from './sample-input-form';
import { initialSampleValues, toRunInput, type SampleValue } from './sample-input';
import { readSse } from './sse';
import {
  SIMULATOR_DESCRIPTION,
  type PlaygroundPrompt,
  type PlaygroundProvider,
  type PlaygroundVersion,
  type RunEvent,
  type RunIssue,
} from './types';

type Status = 'idle' | 'streaming' | 'done' | 'cancelled' | 'failed';
type Done = Extract<RunEvent, { type: 'done' }>;
type Failure = { code: string; message: string; issues?: RunIssue[] };

const STATUS_TEXT: Record<Status, string> = {
  idle: 'Ready',
  streaming: 'Streaming…',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** The draft's parts the form needs, when it has the expected shape; the server validates the rest. */
function draftPrompt(draft: StoredDraft, fallback: PlaygroundPrompt): PlaygroundPrompt {
  return {
    id: draft.id,
    version: 0,
    variables: Array.isArray(draft.variables) ? (draft.variables as PlaygroundPrompt['variables']) : [],
    examples: Array.isArray(draft.examples) ? (draft.examples as PlaygroundPrompt['examples']) : [],
    model: (draft.model as PlaygroundPrompt['model'] | undefined) ?? fallback.model,
  };
}

function useModels(provider: string) {
  return useQuery({
    queryKey: ['provider-models', provider],
    enabled: provider !== '',
    staleTime: 60_000,
    retry: false,
    queryFn: async ({ signal }) => {
      const response = await fetch(`/api/providers/${encodeURIComponent(provider)}/models`, { signal });
      const body = (await response.json()) as { models?: string[]; message?: string };
      if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
      return body.models ?? [];
    },
  });
}

export function Playground({
  prompt,
  versions,
  providers,
  canRun,
  testCase,
}: {
  prompt: PlaygroundPrompt;
  versions: PlaygroundVersion[];
  providers: PlaygroundProvider[];
  canRun: boolean;
  /** "Save as test case" after a run (editors only). */
  testCase?: TestCaseTarget;
}) {
  const router = useRouter();
  const pathname = usePathname();
  // sessionStorage exists only in the browser: the server renders without a draft.
  const draftText = useSyncExternalStore(
    subscribeToDrafts,
    () => readDraftText(prompt.id),
    () => null,
  );
  const draft = useMemo(() => parseDraft(prompt.id, draftText), [prompt.id, draftText]);
  const [useDraft, setUseDraft] = useState(false);
  const active = useDraft && draft ? draftPrompt(draft, prompt) : prompt;

  const defaultProvider = providers.some((p) => p.name === active.model.provider)
    ? active.model.provider
    : (providers[0]?.name ?? '');
  const [provider, setProvider] = useState(defaultProvider);
  const [model, setModel] = useState(active.model.model);
  const [values, setValues] = useState<Record<string, SampleValue>>(() =>
    initialSampleValues(active.variables, active.examples),
  );
  const [status, setStatus] = useState<Status>('idle');
  const [output, setOutput] = useState('');
  const [runInput, setRunInput] = useState<Record<string, unknown>>({});
  const [done, setDone] = useState<Done | undefined>(undefined);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [messages, setMessages] = useState<Message[]>([]);
  const abortRef = useRef<AbortController | null>(null);
  /** After a cancel or a failure, focus moves here, so keyboard and screen reader users hear why. */
  const outcomeRef = useRef<HTMLDivElement>(null);
  const models = useModels(provider);
  const runsText = useSyncExternalStore(
    subscribeToRuns,
    () => readRunsText(prompt.id),
    () => null,
  );
  const sessionRuns = useMemo(() => parseRuns(runsText), [runsText]);

  useEffect(() => () => abortRef.current?.abort(), []);
  useEffect(() => {
    if (status === 'cancelled' || status === 'failed') outcomeRef.current?.focus();
  }, [status]);

  function switchSource(value: string) {
    const isDraft = value === 'draft';
    setUseDraft(isDraft);
    const next = isDraft && draft ? draftPrompt(draft, prompt) : prompt;
    setValues(initialSampleValues(next.variables, next.examples));
    setModel(next.model.model);
    if (!isDraft && Number(value) !== prompt.version) router.replace(`${pathname}?version=${value}`);
  }

  async function run() {
    if (isStreaming || providers.length === 0 || !canRun) return;
    const controller = new AbortController();
    abortRef.current = controller;
    const input = toRunInput(active.variables, values);
    setRunInput(input);
    // What this run becomes in the session's list once it ends, however it ends.
    const entry: SessionRun = {
      id: crypto.randomUUID(),
      at: new Date().toISOString(),
      source: useDraft && draft ? 'draft' : `v${prompt.version}`,
      provider,
      model,
      input,
      messages: [],
      output: '',
      status: 'failed',
    };
    const fail = (next: Failure) => {
      setFailure(next);
      setStatus('failed');
      entry.error = next.message;
    };
    setStatus('streaming');
    setOutput('');
    setMessages([]);
    setDone(undefined);
    setFailure(undefined);
    try {
      const response = await fetch(`/api/prompts/${encodeURIComponent(prompt.id)}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        signal: controller.signal,
        body: JSON.stringify({
          source: useDraft && draft ? { kind: 'draft', draft } : { kind: 'version', version: prompt.version },
          input,
          provider,
          model,
        }),
      });
      if (!response.ok || !response.body) {
        fail(
          ((await response.json().catch(() => null)) as Failure | null) ?? {
            code: 'INTERNAL',
            message: `The studio answered with HTTP ${response.status}.`,
          },
        );
        return;
      }
      for await (const message of readSse(response.body)) {
        const event = JSON.parse(message.data) as RunEvent;
        if (event.type === 'start') {
          entry.messages = event.messages ?? [];
          setMessages(entry.messages);
        } else if (event.type === 'delta') {
          entry.output += event.text;
          setOutput((text) => text + event.text);
        } else if (event.type === 'done') {
          entry.status = 'done';
          entry.metrics = {
            latencyMs: event.latencyMs,
            inputTokens: event.inputTokens,
            outputTokens: event.outputTokens,
            costMicros: event.costMicros,
          };
          setDone(event);
          setStatus('done');
        } else if (event.code === 'CANCELLED') {
          entry.status = 'cancelled';
          setStatus('cancelled');
        } else fail(event);
      }
    } catch (error) {
      if (controller.signal.aborted) {
        entry.status = 'cancelled';
        setStatus('cancelled');
      } else {
        fail({
          code: 'UNAVAILABLE',
          message: `The studio could not be reached: ${(error as Error).message}`,
        });
      }
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
      recordRun(prompt.id, entry);
    }
  }

  /** Ctrl+Enter (Cmd+Enter on a Mac) runs from any field of the form, textareas included. */
  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void run();
  }

  function cancel() {
    abortRef.current?.abort();
    setStatus('cancelled');
  }

  const fieldErrors: Record<string, string> = {};
  for (const issue of failure?.issues ?? []) {
    const name = issue.variable ?? issue.path;
    if (name && active.variables.some((v) => v.name === name)) fieldErrors[name] ??= issue.message;
  }
  const chosen = providers.find((p) => p.name === provider);
  const isStreaming = status === 'streaming';

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <Card title="Run settings">
        <form
          aria-label="Run settings"
          className="space-y-4"
          noValidate
          onKeyDown={onKeyDown}
          onSubmit={(event) => {
            event.preventDefault();
            void run();
          }}
        >
          <Field label="Source">
            <Select
              value={useDraft ? 'draft' : String(prompt.version)}
              onChange={(e) => switchSource(e.target.value)}
            >
              {draft ? <option value="draft">Unsaved draft from the editor</option> : null}
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                  {v.labels.length ? ` (${v.labels.join(', ')})` : ''}
                  {v.message ? ` — ${v.message}` : ''}
                </option>
              ))}
            </Select>
          </Field>
          {draft && !useDraft ? (
            <p className="-mt-2 text-xs text-zinc-500" data-testid="draft-note">
              The editor has unsaved changes.{' '}
              <button type="button" className="text-accent underline" onClick={() => switchSource('draft')}>
                Run the unsaved draft
              </button>
            </p>
          ) : null}
          {providers.length === 0 ? (
            <Alert>No provider is configured. An admin can add one under Settings → Providers.</Alert>
          ) : (
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
              <Field label="Provider">
                <Select value={provider} onChange={(e) => setProvider(e.target.value)}>
                  {providers.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.isSimulator ? `${p.name} · offline` : `${p.name} (${p.kind})`}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field
                label="Model"
                error={models.isError ? `Model list unavailable: ${models.error.message}` : undefined}
              >
                <Input list="playground-models" value={model} onChange={(e) => setModel(e.target.value)} />
                <datalist id="playground-models">
                  {(models.data ?? []).map((id) => (
                    <option key={id} value={id} />
                  ))}
                </datalist>
              </Field>
            </div>
          )}
          {providers.length > 0 && !providers.some((p) => p.name === active.model.provider) ? (
            // Never switch providers silently: say which one runs instead of the prompt's own.
            <p
              role="alert"
              data-testid="provider-warning"
              className="text-xs text-amber-800 dark:text-amber-300"
            >
              This prompt is set to the provider &quot;{active.model.provider}&quot;, which is not configured
              in this workspace; it runs on &quot;{provider}&quot; instead. Choose another above, or add it
              under{' '}
              <Link href="/settings/providers" className="underline">
                Settings → Providers
              </Link>
              .
            </p>
          ) : null}
          {chosen?.isSimulator ? (
            <p className="text-xs text-zinc-500" data-testid="simulator-note">
              {SIMULATOR_DESCRIPTION}. Try the model <code>sim-slow</code> to watch a slow stream.
            </p>
          ) : null}
          <SampleInputForm
            variables={active.variables}
            values={values}
            errors={fieldErrors}
            onChange={(name, value) => setValues((all) => ({ ...all, [name]: value }))}
          />
          {canRun ? (
            // Sticks to the bottom of the window, so Run stays in reach however long the form is.
            <div className="sticky bottom-0 -mx-4 -mb-4 flex flex-wrap items-center gap-2 rounded-b-lg border-t border-zinc-200 bg-white/95 px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900/95">
              <Button
                type="submit"
                disabled={isStreaming || providers.length === 0}
                aria-keyshortcuts="Control+Enter Meta+Enter"
              >
                Run
              </Button>
              {isStreaming ? (
                <Button type="button" variant="secondary" onClick={cancel}>
                  Cancel
                </Button>
              ) : null}
              <span className="text-xs text-zinc-500">
                <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> runs
              </span>
            </div>
          ) : (
            <Alert tone="info">Your role can read prompts but not run them against a provider.</Alert>
          )}
        </form>
      </Card>
      <Card
        title="Answer"
        actions={
          <span className="text-xs text-zinc-500" data-testid="run-status" role="status">
            {STATUS_TEXT[status]}
          </span>
        }
      >
        <div className="space-y-3">
          <div
            ref={outcomeRef}
            tabIndex={-1}
            data-testid="run-outcome"
            className="focus:outline-accent rounded-md focus:outline-2 focus:outline-offset-2"
          >
            {failure && status !== 'cancelled' ? <Alert>{errorMessage(failure)}</Alert> : null}
            {status === 'cancelled' ? (
              <Alert tone="info">Cancelled. The answer so far is kept below.</Alert>
            ) : null}
          </div>
          {messages.length > 0 ? <RenderedMessages messages={messages} /> : null}
          <pre
            data-testid="run-output"
            aria-live="polite"
            className="min-h-40 rounded-md bg-zinc-50 p-3 text-sm whitespace-pre-wrap dark:bg-zinc-950"
          >
            {output}
          </pre>
          {done ? (
            <dl data-testid="run-metrics" className="grid grid-cols-3 gap-2 text-sm">
              <div>
                <dt className="text-xs text-zinc-500">Latency</dt>
                <dd>{Math.round(done.latencyMs)} ms</dd>
              </div>
              <div>
                <dt className="text-xs text-zinc-500">Tokens</dt>
                <dd>
                  {done.inputTokens} in · {done.outputTokens} out
                </dd>
              </div>
              <div>
                <dt className="text-xs text-zinc-500">Cost</dt>
                <dd>{formatCost(done.costMicros, done.model)}</dd>
              </div>
            </dl>
          ) : null}
          {done && testCase ? (
            <SaveTestCaseButton promptId={prompt.id} input={runInput} output={output} target={testCase} />
          ) : null}
        </div>
      </Card>
      <div className="lg:col-span-2">
        <RunHistory runs={sessionRuns} onClear={() => clearRuns(prompt.id)} />
      </div>
    </div>
  );
}
