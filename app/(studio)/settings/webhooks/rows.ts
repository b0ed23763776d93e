import type { WebhookDeliveryLog, WebhookEndpointRow } from '@/components/webhooks/types';
import type {
  WebhookDeliveryLog as ServerDeliveryLog,
  WebhookEndpointView,
} from '@/lib/server/webhooks/endpoints';

// The server's views as the browser receives them: dates as ISO text, the same shape the
// deliveries route serves as JSON.

export function toEndpointRow(view: WebhookEndpointView): WebhookEndpointRow {
  return {
    id: view.id,
    url: view.url,
    description: view.description,
    events: view.events,
    enabled: view.enabled,
    createdAt: view.createdAt.toISOString(),
    createdBy: view.createdBy,
    pending: view.pending,
    failed: view.failed,
    lastDelivery: view.lastDelivery
      ? { ...view.lastDelivery, createdAt: view.lastDelivery.createdAt.toISOString() }
      : null,
  };
}

export function toDeliveryLog(log: ServerDeliveryLog): WebhookDeliveryLog {
  return JSON.parse(JSON.stringify(log)) as WebhookDeliveryLog;
}
