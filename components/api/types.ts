/** The runtime API's scopes, in the order screens list them; lib/server/api/keys.ts enforces them. */
export const API_SCOPES = ['prompts:read', 'prompts:execute', 'experiments:write', 'prompts:write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** What each scope lets an application do, for the create form and the reference page. */
export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  'prompts:read': 'List, fetch and render prompts',
  'prompts:execute': 'Run prompts against their providers (costs money)',
  'experiments:write': 'Record experiment outcomes',
  'prompts:write': 'Reserved for saving versions and moving labels from applications',
};

/** A key as the keys screen shows it (dates as ISO strings); never the secret nor its hash. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** What the create action answers: the new key, and its secret (shown this once). */
export interface CreatedApiKey {
  key: { id: string; prefix: string; name: string };
  secret: string;
}
