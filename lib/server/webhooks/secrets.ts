import 'server-only';
import { randomBytes } from 'node:crypto';
import { secretBoxFromEnv } from '../providers';

// Endpoint secrets in the Standard Webhooks format ("whsec_" + base64 of random bytes), sealed at
// rest with the deployment's secret box like provider API keys.

/** 32 random bytes: the middle of the 24–64 the Standard Webhooks specification asks for. */
const SECRET_BYTES = 32;
/** How long a rotated-out secret keeps signing deliveries beside the new one: a day to update receivers. */
export const SECRET_GRACE_MS = 24 * 60 * 60_000;

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The sealed secret is bound to its endpoint: copied to another row or workspace, it does not open. */
const sealContext = (workspaceId: string, endpointId: string) => `webhook:${workspaceId}/${endpointId}`;

export function sealWebhookSecret(secret: string, workspaceId: string, endpointId: string): string {
  return secretBoxFromEnv().seal(secret, sealContext(workspaceId, endpointId));
}

export function openWebhookSecret(endpoint: {
  workspaceId: string;
  id: string;
  secretCipher: string;
}): string {
  return secretBoxFromEnv().open(endpoint.secretCipher, sealContext(endpoint.workspaceId, endpoint.id));
}

/**
 * The secrets a delivery at `now` is signed with: the current one, then the one it replaced while
 * that one's grace period lasts. Throws when the current one cannot be opened.
 */
export function webhookSigningSecrets(
  endpoint: {
    workspaceId: string;
    id: string;
    secretCipher: string;
    previousSecretCipher: string | null;
    previousSecretExpiresAt: Date | null;
  },
  now: Date,
): string[] {
  const current = openWebhookSecret(endpoint);
  const { previousSecretCipher: previous, previousSecretExpiresAt: until } = endpoint;
  if (previous === null || until === null || until <= now) return [current];
  return [current, openWebhookSecret({ ...endpoint, secretCipher: previous })];
}
