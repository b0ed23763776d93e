'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { errorMessage } from '@/lib/client/action-result';
import { Button } from '../ui/button';
import { Alert, Card } from '../ui/card';
import { Field, Input, Select } from '../ui/field';
import { parseDraft, readDraftText, subscribeToDrafts, type StoredDraft } from './draft-store';
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

export function formatCost(micros: number | null, model: string): string {
  if (micros === null) return `unknown (no price for ${model})`;
  return `$${(micros / 1_000_000).toFixed(6)}`;
}

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
}: {
  prompt: PlaygroundPrompt;
  versions: PlaygroundVersion[];
  providers: PlaygroundProvider[];
  canRun: boolean;
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
  const [done, setDone] = useState<Done | undefined>(undefined);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const abortRef = useRef<AbortController | null>(null);
  const models = useModels(provider);

  useEffect(() => () => abortRef.current?.abort(), []);

  function switchSource(value: string) {
    const isDraft = value === 'draft';
    setUseDraft(isDraft);
    const next = isDraft && draft ? draftPrompt(draft, prompt) : prompt;
    setValues(initialSampleValues(next.variables, next.examples));
    setModel(next.model.model);
    if (!isDraft && Number(value) !== prompt.version) router.replace(`${pathname}?version=${value}`);
  }

  async function run() {
    const controller = new AbortController();
    abortRef.current = controller;
    setStatus('streaming');
    setOutput('');
    setDone(undefined);
    setFailure(undefined);
    try {
      const response = await fetch(`/api/prompts/${encodeURIComponent(prompt.id)}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        signal: controller.signal,
        body: JSON.stringify({
          source: useDraft && draft ? { kind: 'draft', draft } : { kind: 'version', version: prompt.version },
          input: toRunInput(active.variables, values),
          provider,
          model,
        }),
      });
      if (!response.ok || !response.body) {
        setFailure(
          (await response.json().catch(() => null)) ?? {
            code: 'INTERNAL',
            message: `HTTP ${response.status}`,
          },
        );
        setStatus('failed');
        return;
      }
      for await (const message of readSse(response.body)) {
        const event = JSON.parse(message.data) as RunEvent;
        if (event.type === 'delta') setOutput((text) => text + event.text);
        else if (event.type === 'done') {
          setDone(event);
          setStatus('done');
        } else if (event.type === 'error') {
          setFailure(event);
          setStatus(event.code === 'CANCELLED' ? 'cancelled' : 'failed');
        }
      }
    } catch (error) {
      if (controller.signal.aborted) setStatus('cancelled');
      else {
        setFailure({
          code: 'UNAVAILABLE',
          message: `The studio could not be reached: ${(error as Error).message}`,
        });
        setStatus('failed');
      }
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
    }
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
            <div className="flex gap-2">
              <Button type="submit" disabled={isStreaming || providers.length === 0}>
                Run
              </Button>
              {isStreaming ? (
                <Button type="button" variant="secondary" onClick={cancel}>
                  Cancel
                </Button>
              ) : null}
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
          {failure && status !== 'cancelled' ? (
            <Alert>
              {errorMessage(failure)}
            </Alert>
          ) : null}
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
        </div>
      </Card>
    </div>
  );
}
