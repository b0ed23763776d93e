import 'server-only';
import { z } from 'zod';
import { createOllamaProvider } from '@/lib/adapters/ollama';
import { createOpenAIProvider } from '@/lib/adapters/openai';
import type { PrismaClient, ProviderConfig } from '@/lib/generated/prisma/client';
import { LoomError, isLoomError } from '@/lib/loom/core';
import type { ModelSummary, Provider } from '@/lib/loom/provider';
import { writeAudit } from './audit';
import type { Viewer } from './auth/session';
import { getPrisma } from './db';
import { checkEgressUrl, createGuardedFetch } from './egress';
import { getEnv, type Env } from './env';
import { createSecretBox, maskSecret, parseKeyring, type SecretBox } from './secret-box';

// Provider settings of a workspace (the ProviderConfig table) and the composition of loom
// Providers from them. API keys are sealed at rest and never leave this module in clear text:
// views carry only a mask, audit entries only whether the key changed.

export const PROVIDER_KINDS = ['openai', 'ollama'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** A "test connection" that hears nothing for this long reports TIMEOUT instead of hanging the form. */
const TEST_TIMEOUT_MS = 10_000;
/** Longer than any real API key; stops a pasted document from being sealed and stored. */
const MAX_API_KEY_LENGTH = 500;

export const providerNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(50, 'Use at most 50 characters.')
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'Use lowercase letters, digits, "-" and "_", starting with a letter or digit.',
  );

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const httpUrl = z.url({ protocol: /^https?$/, error: 'Enter an http:// or https:// URL.' });

const openAIDraftSchema = z
  .object({
    kind: z.literal('openai'),
    name: providerNameSchema,
    baseUrl: z.preprocess(blankToUndefined, httpUrl.optional()),
    organization: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
    /** Blank keeps the stored key. */
    apiKey: z.preprocess(blankToUndefined, z.string().trim().max(MAX_API_KEY_LENGTH).optional()),
  })
  .strict();

const ollamaDraftSchema = z
  .object({
    kind: z.literal('ollama'),
    name: providerNameSchema,
    host: z.preprocess(blankToUndefined, httpUrl),
  })
  .strict();

export const providerDraftSchema = z.discriminatedUnion('kind', [openAIDraftSchema, ollamaDraftSchema]);
export type ProviderDraftInput = z.input<typeof providerDraftSchema>;
export type ProviderDraft = z.output<typeof providerDraftSchema>;

export const providerRefSchema = z.object({ name: providerNameSchema });

/** What the browser may see of a configuration. */
export interface ProviderConfigView {
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  organization: string | null;
  /** e.g. `sk-…abcd`; null when no key is stored. */
  apiKeyMasked: string | null;
  isSimulator: boolean;
  updatedAt: Date;
  updatedBy: string | null;
}

export interface ConnectionReport {
  models: number;
  /** A few model ids, to show the connection reached the right place. */
  sample: string[];
}

function toView(row: ProviderConfig, simulatorUrl?: string): ProviderConfigView {
  return {
    name: row.name,
    kind: row.kind === 'ollama' ? 'ollama' : 'openai',
    // The simulator moves to a free port at every start: show where it is now.
    baseUrl: row.isSimulator && simulatorUrl ? simulatorV1(simulatorUrl) : row.baseUrl,
    organization: row.organization,
    apiKeyMasked: row.apiKeyCipher ? (row.apiKeyHint ?? '…') : null,
    isSimulator: row.isSimulator,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/** The sealed value is bound to its row, so it cannot be copied to another workspace or provider. */
const sealContext = (workspaceId: string, name: string) => `provider:${workspaceId}/${name}`;

/** The secret box of this deployment; refuses clearly when no key is configured. */
export function secretBoxFromEnv(
  env: Pick<Env, 'LOOM_ENCRYPTION_KEY' | 'LOOM_ENCRYPTION_KEY_PREVIOUS'> = getEnv(),
): SecretBox {
  if (!env.LOOM_ENCRYPTION_KEY) {
    throw new LoomError(
      'UNAVAILABLE',
      'LOOM_ENCRYPTION_KEY is not set, so API keys cannot be stored or read. `npm start` generates one; otherwise set it to the output of `openssl rand -base64 32`.',
      { issues: [{ path: 'apiKey', message: 'The server has no encryption key configured.' }] },
    );
  }
  return createSecretBox(parseKeyring(env.LOOM_ENCRYPTION_KEY, env.LOOM_ENCRYPTION_KEY_PREVIOUS));
}

/** NOT_FOUND for a provider name the workspace has not configured, saying where to add it. */
export function notConfigured(name: string): LoomError {
  return new LoomError(
    'NOT_FOUND',
    `No provider named "${name}" is configured in this workspace. An admin can add it under Settings → Providers.`,
    { provider: name },
  );
}

export async function listProviderConfigs(
  db: PrismaClient,
  workspaceId: string,
): Promise<ProviderConfigView[]> {
  const rows = await db.providerConfig.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } });
  const simulatorUrl = rows.some((r) => r.isSimulator) ? getEnv().LOOM_SIMULATOR_URL : undefined;
  return rows.map((row) => toView(row, simulatorUrl));
}

/** Creates or replaces a configuration and audits it, in one transaction; a blank key keeps the stored one. */
export async function saveProviderConfig(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  draft: ProviderDraft,
): Promise<ProviderConfigView> {
  const { workspaceId } = viewer;
  await checkDraftAddress(draft);
  const sealed =
    draft.kind === 'openai' && draft.apiKey
      ? {
          apiKeyCipher: secretBoxFromEnv().seal(draft.apiKey, sealContext(workspaceId, draft.name)),
          apiKeyHint: maskSecret(draft.apiKey),
        }
      : undefined;
  return db.$transaction(async (tx) => {
    const existing = await tx.providerConfig.findUnique({
      where: { workspaceId_name: { workspaceId, name: draft.name } },
    });
    const keepsKey = draft.kind === 'openai' && !sealed && existing?.kind === 'openai';
    if (
      draft.kind === 'openai' &&
      keepsKey &&
      existing?.apiKeyCipher &&
      !sameAddress(existing.baseUrl, draft.baseUrl)
    )
      throw keyNeededAgain();
    if (draft.kind === 'openai' && !draft.baseUrl && !sealed && !(keepsKey && existing?.apiKeyCipher)) {
      throw new LoomError('INVALID_INPUT', 'The OpenAI API needs an API key.', {
        issues: [
          {
            path: 'apiKey',
            message: 'Enter the API key (only compatible servers at a base URL may go without).',
          },
        ],
      });
    }
    let keptCipher = keepsKey ? (existing?.apiKeyCipher ?? null) : null;
    if (keptCipher) {
      // A key sealed before a rotation is sealed again with the current key whenever its row is saved.
      const box = secretBoxFromEnv();
      const context = sealContext(workspaceId, draft.name);
      if (box.needsResealing(keptCipher)) keptCipher = box.seal(box.open(keptCipher, context), context);
    }
    const fields = {
      kind: draft.kind,
      baseUrl: draft.kind === 'openai' ? (draft.baseUrl ?? null) : draft.host,
      organization: draft.kind === 'openai' ? (draft.organization ?? null) : null,
      apiKeyCipher: sealed?.apiKeyCipher ?? keptCipher,
      apiKeyHint: sealed?.apiKeyHint ?? (keepsKey ? (existing?.apiKeyHint ?? null) : null),
      isSimulator: false,
      updatedBy: viewer.email,
    };
    const row = await tx.providerConfig.upsert({
      where: { workspaceId_name: { workspaceId, name: draft.name } },
      create: { workspaceId, name: draft.name, ...fields },
      update: fields,
    });
    await writeAudit(tx, viewer, 'provider.update', `provider:${draft.name}`, {
      kind: fields.kind,
      baseUrl: fields.baseUrl,
      organization: fields.organization,
      apiKey: sealed ? 'changed' : fields.apiKeyCipher ? 'unchanged' : 'none',
      created: existing === null,
    });
    return toView(row);
  });
}

export async function deleteProviderConfig(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  name: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.providerConfig.deleteMany({
      where: { workspaceId: viewer.workspaceId, name },
    });
    if (count === 0) throw notConfigured(name);
    await writeAudit(tx, viewer, 'provider.delete', `provider:${name}`);
  });
}

/** Addresses compare by their parsed form: `http://h:80/v1/` and `http://h/v1` are one place. */
function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  const canonical = (url: string | null | undefined) => (url ? new URL(url).href.replace(/\/+$/, '') : null);
  return canonical(a) === canonical(b);
}

/** A stored key goes only to the address it was entered for: a new address needs the key typed again. */
function keyNeededAgain(): LoomError {
  return new LoomError(
    'INVALID_INPUT',
    'The address changed, so the stored API key will not be sent to it.',
    {
      issues: [
        {
          path: 'apiKey',
          message: 'Enter the API key again: the stored key is only sent to the address it was saved with.',
        },
      ],
    },
  );
}

/** The simulator's own address is the operator's, not an admin's: it stays reachable. */
function isSimulatorAddress(url: string): boolean {
  const simulator = getEnv().LOOM_SIMULATOR_URL;
  return simulator !== undefined && new URL(url).origin === new URL(simulator).origin;
}

/** Refuses a draft whose address is internal (loopback, private, link-local...) and not allow-listed. */
async function checkDraftAddress(draft: ProviderDraft): Promise<void> {
  const [field, url] = draft.kind === 'openai' ? ['baseUrl', draft.baseUrl] : ['host', draft.host];
  if (!url || isSimulatorAddress(url)) return;
  try {
    await checkEgressUrl(url, getEnv().LOOM_PROVIDER_ALLOWLIST);
  } catch (error) {
    if (!isLoomError(error, 'INVALID_INPUT')) throw error;
    throw new LoomError('INVALID_INPUT', error.message, {
      issues: [{ path: field, message: error.message }],
    });
  }
}

/** The fetch a configured provider talks through: the egress guard, except for the simulator. */
function fetchFor(url: string | undefined): { fetch?: typeof fetch } {
  if (url && isSimulatorAddress(url)) return {};
  return { fetch: createGuardedFetch(getEnv().LOOM_PROVIDER_ALLOWLIST) };
}

interface ProviderSettings {
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  organization: string | null;
  apiKey: string | undefined;
  isSimulator: boolean;
}

const simulatorV1 = (url: string) => `${url.replace(/\/+$/, '')}/v1`;

function simulatorBaseUrl(env: Pick<Env, 'LOOM_SIMULATOR_URL'>): string {
  if (!env.LOOM_SIMULATOR_URL) {
    throw new LoomError(
      'UNAVAILABLE',
      'The simulator is not running: `npm start` starts it beside the studio (or set LOOM_SIMULATOR_URL).',
      { provider: 'simulator' },
    );
  }
  return simulatorV1(env.LOOM_SIMULATOR_URL);
}

function buildProvider(settings: ProviderSettings, timeoutMs?: number): Provider {
  if (settings.kind === 'ollama') {
    if (!settings.baseUrl) throw new LoomError('INVALID_INPUT', `Provider "${settings.name}" has no host.`);
    return createOllamaProvider({
      name: settings.name,
      host: settings.baseUrl,
      ...fetchFor(settings.baseUrl),
    });
  }
  // The simulator moves to a free port at every start, so its address comes from the environment.
  const baseURL = settings.isSimulator ? simulatorBaseUrl(getEnv()) : (settings.baseUrl ?? undefined);
  if (!settings.apiKey && !baseURL) {
    throw new LoomError('AUTHENTICATION', `Provider "${settings.name}" has no API key configured.`, {
      provider: settings.name,
    });
  }
  return createOpenAIProvider({
    name: settings.name,
    // Compatible servers (the simulator, local gateways) accept any key; the SDK insists on one.
    apiKey: settings.apiKey ?? 'no-key',
    ...(baseURL ? { baseURL } : {}),
    ...(settings.organization ? { organization: settings.organization } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(settings.isSimulator ? {} : fetchFor(baseURL)),
  });
}

function settingsOf(row: ProviderConfig): ProviderSettings {
  return {
    name: row.name,
    kind: row.kind === 'ollama' ? 'ollama' : 'openai',
    baseUrl: row.baseUrl,
    organization: row.organization,
    apiKey: row.apiKeyCipher
      ? secretBoxFromEnv().open(row.apiKeyCipher, sealContext(row.workspaceId, row.name))
      : undefined,
    isSimulator: row.isSimulator,
  };
}

async function getConfigRow(db: PrismaClient, workspaceId: string, name: string): Promise<ProviderConfig> {
  const row = await db.providerConfig.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
  if (!row) throw notConfigured(name);
  return row;
}

/** The loom Provider configured under `name` in the viewer's workspace; NOT_FOUND when there is none. */
export async function getProvider(viewer: Pick<Viewer, 'workspaceId'>, name: string): Promise<Provider> {
  return buildProvider(settingsOf(await getConfigRow(await getPrisma(), viewer.workspaceId, name)));
}

/** The models the provider offers right now (for model pickers); throws the provider's LoomError. */
export async function listModelsFor(
  viewer: Pick<Viewer, 'workspaceId'>,
  name: string,
  options: { signal?: AbortSignal } = {},
): Promise<ModelSummary[]> {
  return (await getProvider(viewer, name)).listModels(options);
}

async function probe(provider: Provider, name: string): Promise<ConnectionReport> {
  const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
  try {
    const models = await provider.listModels({ signal });
    return { models: models.length, sample: models.slice(0, 5).map((m) => m.id) };
  } catch (error) {
    if (signal.aborted) {
      throw new LoomError('TIMEOUT', `${name}: no answer within ${TEST_TIMEOUT_MS / 1000} s`, {
        provider: name,
      });
    }
    throw error;
  }
}

/** Lists the models of a saved configuration: success with their number, or the provider's LoomError. */
export async function testSavedProvider(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId'>,
  name: string,
): Promise<ConnectionReport> {
  const settings = settingsOf(await getConfigRow(db, viewer.workspaceId, name));
  return probe(buildProvider(settings, TEST_TIMEOUT_MS), name);
}

/**
 * Tests unsaved form values. A blank key borrows the stored key of the same OpenAI configuration,
 * but only for the address it was saved with: a new address must not receive it.
 */
export async function testProviderDraft(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId'>,
  draft: ProviderDraft,
): Promise<ConnectionReport> {
  await checkDraftAddress(draft);
  let apiKey = draft.kind === 'openai' ? draft.apiKey : undefined;
  if (draft.kind === 'openai' && !apiKey) {
    const row = await db.providerConfig.findUnique({
      where: { workspaceId_name: { workspaceId: viewer.workspaceId, name: draft.name } },
    });
    if (row?.kind === 'openai' && row.apiKeyCipher) {
      if (!sameAddress(row.baseUrl, draft.baseUrl)) throw keyNeededAgain();
      apiKey = settingsOf(row).apiKey;
    }
  }
  const settings: ProviderSettings = {
    name: draft.name,
    kind: draft.kind,
    baseUrl: draft.kind === 'openai' ? (draft.baseUrl ?? null) : draft.host,
    organization: draft.kind === 'openai' ? (draft.organization ?? null) : null,
    apiKey,
    isSimulator: false,
  };
  return probe(buildProvider(settings, TEST_TIMEOUT_MS), draft.name);
}
