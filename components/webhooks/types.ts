import type { ActionResult } from '@/lib/client/action-result';

/** The events an endpoint can subscribe to, in the order the form lists them, with what each says. */
export const WEBHOOK_EVENTS = [
  { type: 'version.created', description: 'A prompt version is saved (editor, import, API).' },
  { type: 'label.moved', description: 'A label such as production points at another version.' },
  { type: 'label.removed', description: 'A label such as staging is removed from a prompt.' },
  { type: 'experiment.winner', description: 'An experiment finds a winning variant.' },
  { type: 'suite_run.completed', description: 'An evaluation run ends, with its pass rate and cost.' },
  { type: 'budget.alert', description: 'Spending crosses a budget threshold.' },
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number]['type'];

/** An endpoint as the browser sees it (dates as ISO text; never the secret). */
export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  createdBy: string | null;
  pending: number;
  failed: number;
  lastDelivery: { status: string; createdAt: string; lastStatus: number | null } | null;
}

/** One delivery of the log, as GET /api/webhooks/[id]/deliveries serves it. */
export interface WebhookDeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastLatencyMs: number | null;
  lastResponse: string | null;
  lastError: string | null;
}

export interface WebhookDeliveryLog {
  deliveries: WebhookDeliveryRow[];
  total: number;
}

export interface WebhookEndpointDraft {
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
}

/** The server actions the webhook screens call (app/(studio)/settings/webhooks/actions.ts). */
export interface WebhookActions {
  create: (input: WebhookEndpointDraft) => Promise<ActionResult<{ id: string; secret: string }>>;
  update: (input: WebhookEndpointDraft & { id: string }) => Promise<ActionResult<{ id: string }>>;
  remove: (input: { id: string }) => Promise<ActionResult<void>>;
  reveal: (input: { id: string }) => Promise<ActionResult<{ secret: string }>>;
  /** `previousValidUntil`: until when the replaced secret still signs deliveries too (null: not kept). */
  rotate: (input: {
    id: string;
  }) => Promise<ActionResult<{ secret: string; previousValidUntil: Date | null }>>;
  sendTest: (input: { id: string }) => Promise<ActionResult<{ deliveryId: string; eventId: string }>>;
  redeliver: (input: { deliveryId: string }) => Promise<ActionResult<{ deliveryId: string }>>;
}

export const webhookQueryKeys = {
  deliveries: (endpointId: string) => ['webhooks', endpointId, 'deliveries'] as const,
};
