'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input } from '../ui/field';
import {
  WEBHOOK_EVENTS,
  type WebhookActions,
  type WebhookEndpointDraft,
  type WebhookEventType,
} from './types';

const EMPTY: WebhookEndpointDraft = { url: '', description: '', events: ['label.moved'], enabled: true };

/**
 * Adds an endpoint (then opens its page, where the secret and Send test are) or edits one. A
 * refused save marks its field (an internal address marks the URL) and focuses it.
 */
export function EndpointForm({
  endpoint,
  create,
  update,
}: {
  /** The endpoint being edited; absent to add one. */
  endpoint?: WebhookEndpointDraft & { id: string };
  create: WebhookActions['create'];
  update: WebhookActions['update'];
}) {
  const router = useRouter();
  const [form, setForm] = useState<WebhookEndpointDraft>(endpoint ?? EMPTY);
  const createMutation = useActionMutation(create, {
    onSuccess: ({ id }) => router.push(`/settings/webhooks/${encodeURIComponent(id)}`),
  });
  const updateMutation = useActionMutation(update);
  const mutation = endpoint ? updateMutation : createMutation;
  const failure = mutation.error;
  const fieldError = (name: string) => failure?.error.fieldErrors?.[name]?.[0];
  const formRef = useRef<HTMLFormElement>(null);
  const eventsId = useId();
  useEffect(() => {
    if (failure?.error.fieldErrors)
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [failure]);

  function toggle(type: WebhookEventType, checked: boolean) {
    setForm((f) => ({
      ...f,
      events: checked ? [...f.events, type] : f.events.filter((e) => e !== type),
    }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (endpoint) updateMutation.mutate({ ...form, id: endpoint.id });
    else createMutation.mutate(form);
  }

  const eventsError = fieldError('events');
  return (
    <form
      ref={formRef}
      aria-label={endpoint ? 'Endpoint settings' : 'Add an endpoint'}
      onSubmit={onSubmit}
      className="grid grid-cols-1 gap-4 sm:grid-cols-2"
      noValidate
    >
      {failure && !failure.error.fieldErrors ? (
        <div className="sm:col-span-2">
          <Alert>{failure.message}</Alert>
        </div>
      ) : null}
      {endpoint && updateMutation.isSuccess ? (
        <div className="sm:col-span-2">
          <Alert tone="info">Saved.</Alert>
        </div>
      ) : null}
      <Field
        label="URL"
        error={fieldError('url')}
        hint="Where events are POSTed, e.g. https://example.com/hooks/loom"
        className="sm:col-span-2"
      >
        <Input
          value={form.url}
          inputMode="url"
          autoComplete="off"
          placeholder="https://"
          onChange={(e) => setForm((f) => ({ ...f, url: e.target.value }))}
        />
      </Field>
      <Field label="Description" error={fieldError('description')} className="sm:col-span-2">
        <Input
          value={form.description}
          placeholder="What receives these events"
          onChange={(e) => setForm((f) => ({ ...f, description: e.target.value }))}
        />
      </Field>
      <fieldset
        className="space-y-2 sm:col-span-2"
        aria-describedby={eventsError ? `${eventsId}-error` : undefined}
        aria-invalid={eventsError ? true : undefined}
      >
        <legend className="text-sm font-medium text-zinc-700 dark:text-zinc-300">Events</legend>
        {WEBHOOK_EVENTS.map(({ type, description }) => (
          <label key={type} className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-0.5 size-4 shrink-0 accent-accent"
              checked={form.events.includes(type)}
              aria-invalid={eventsError ? true : undefined}
              onChange={(e) => toggle(type, e.target.checked)}
            />
            <span className="min-w-0">
              <span className="font-mono text-xs font-medium">{type}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{description}</span>
            </span>
          </label>
        ))}
        {eventsError ? (
          <p id={`${eventsId}-error`} className="text-xs font-medium text-red-700 dark:text-red-300">
            {eventsError}
          </p>
        ) : null}
      </fieldset>
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input
          type="checkbox"
          className="size-4 accent-accent"
          checked={form.enabled}
          onChange={(e) => setForm((f) => ({ ...f, enabled: e.target.checked }))}
        />
        Enabled (a disabled endpoint receives nothing, not even retries)
      </label>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : endpoint ? 'Save' : 'Add endpoint'}
        </Button>
      </div>
    </form>
  );
}
