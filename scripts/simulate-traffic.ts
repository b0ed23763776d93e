// Drives live traffic through the runtime API so anyone can watch an experiment's winner emerge:
//   npm run simulate:traffic -- --prompt classify-intent --rates 0.10,0.12 --users 20000
// Each simulated user (unit) fetches the prompt with its unit id (the API assigns its sticky
// variant and records the exposure), a share of them executes it on the simulator, and each
// converts with its variant's rate, reported to the outcome endpoint. Start an experiment on the
// prompt first (its Experiments tab). Rates: positional, for the variants in ascending version
// order, or named (v1=0.10,v2=0.12).
//
// A/A mode measures the false-positive rate of the whole loop through the API: it creates and
// starts N experiments in turn on the prompt (its two newest versions, equal true rates), drives
// --users units through each, and counts those where onWinner fired (a winner was declared at any
// look), then stops them:
//   npm run simulate:traffic -- --aa --experiments 40 --prompt summarize-ticket --users 3000
// A/A mode sets experiments up directly in the database, so it needs the studio's DATABASE_URL (a
// PostgreSQL server; the embedded database belongs to the studio process).
//
// Options: --base-url (default http://127.0.0.1:3000), --api-key (or LOOM_API_KEY), --execute-share
// (default 0.02), --concurrency (default 16), --rate (A/A, default 0.1), --as <admin email> (A/A).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    prompt: { type: 'string' },
    rates: { type: 'string' },
    users: { type: 'string', default: '20000' },
    'base-url': { type: 'string', default: 'http://127.0.0.1:3000' },
    'api-key': { type: 'string' },
    'execute-share': { type: 'string', default: '0.02' },
    concurrency: { type: 'string', default: '16' },
    aa: { type: 'boolean', default: false },
    experiments: { type: 'string', default: '20' },
    rate: { type: 'string', default: '0.1' },
    as: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`✖ ${message}`);
  process.exit(2);
}

function positiveInt(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive whole number (got "${text}")`);
  return n;
}

function share(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!(n >= 0 && n <= 1)) fail(`--${name} must be a number from 0 to 1 (got "${text}")`);
  return n;
}

const promptId = values.prompt ?? fail('--prompt <id> is required');
const users = positiveInt('users', values.users);
const concurrency = positiveInt('concurrency', values.concurrency);
const executeShare = share('execute-share', values['execute-share']);
const baseUrl = (values['base-url'] ?? '').replace(/\/+$/, '');
const apiKey =
  values['api-key'] ?? process.env.LOOM_API_KEY ?? fail('--api-key (or LOOM_API_KEY) is required');
const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

interface PromptDocument {
  version: number;
  experiment: { id: string; variant: string } | null;
  /** The document's prompt: its variables are what execute needs. */
  prompt: { variables?: PromptVariable[] };
}

interface PromptVariable {
  name: string;
  type: string;
  required?: boolean;
  default?: unknown;
  values?: unknown[];
  min?: number;
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 300);
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string };
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not JSON: keep the excerpt
    }
    throw new Error(`${method} ${path}: HTTP ${response.status}: ${detail}`);
  }
  return JSON.parse(text) as T;
}

/** Values for the prompt's required variables without a default, so execute renders. */
function sampleVariables(doc: PromptDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of doc.prompt.variables ?? []) {
    if (!v.required || v.default !== undefined) continue;
    if (v.type === 'number') out[v.name] = v.min ?? 1;
    else if (v.type === 'boolean') out[v.name] = true;
    else if (v.type === 'enum') out[v.name] = v.values?.[0] ?? 'x';
    else if (v.type === 'list') out[v.name] = ['simulated'];
    else out[v.name] = 'A simulated customer message about an invoice.';
  }
  return out;
}

interface Tally {
  experimentId: string | null;
  byVariant: Map<string, { version: number; exposures: number; conversions: number }>;
  production: number;
  executed: number;
  errors: number;
}

/** Runs `users` units through fetch → (execute) → outcome; `rateOf` gives a variant's true rate. */
async function drive(runId: string, rateOf: (variant: string, version: number) => number): Promise<Tally> {
  const tally: Tally = { experimentId: null, byVariant: new Map(), production: 0, executed: 0, errors: 0 };
  let next = 0;
  const path = `/api/v1/prompts/${encodeURIComponent(promptId)}`;
  async function worker() {
    while (next < users) {
      const unitId = `sim-${runId}-${next++}`;
      try {
        const doc = await call<PromptDocument>('GET', `${path}?unitId=${encodeURIComponent(unitId)}`);
        if (Math.random() < executeShare) {
          await call('POST', `${path}/execute`, { unitId, variables: sampleVariables(doc) });
          tally.executed++;
        }
        if (!doc.experiment) {
          tally.production++;
          continue;
        }
        tally.experimentId = doc.experiment.id;
        const arm = tally.byVariant.get(doc.experiment.variant) ?? {
          version: doc.version,
          exposures: 0,
          conversions: 0,
        };
        arm.exposures++;
        tally.byVariant.set(doc.experiment.variant, arm);
        if (Math.random() < rateOf(doc.experiment.variant, doc.version)) {
          await call('POST', `/api/v1/experiments/${encodeURIComponent(doc.experiment.id)}/outcomes`, {
            unitId,
            value: 1,
          });
          arm.conversions++;
        }
      } catch (error) {
        tally.errors++;
        if (tally.errors <= 5) console.error(`  ${(error as Error).message}`);
        if (tally.errors === 5) console.error('  (further errors are counted, not printed)');
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tally;
}

/** Positional rates for variants in ascending version order, or named ones (v1=0.10). */
function parseRates(text: string): (variant: string, version: number, versions: number[]) => number {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.every((p) => p.includes('='))) {
    const named = new Map(parts.map((p) => [p.split('=')[0] ?? '', share('rates', p.split('=')[1])]));
    return (variant) => named.get(variant) ?? fail(`--rates names no rate for variant "${variant}"`);
  }
  const rates = parts.map((p) => share('rates', p));
  return (_variant, version, versions) => {
    const index = versions.indexOf(version);
    return rates[index] ?? fail(`--rates has ${rates.length} rates but the experiment has more variants`);
  };
}

async function simulate() {
  const rates = parseRates(values.rates ?? fail('--rates is required, e.g. --rates 0.10,0.12'));
  // The variants' versions, learned from a first probe, so positional rates know their order.
  const seen = new Set<number>();
  const started = Date.now();
  const runId = Date.now().toString(36);
  const tally = await drive(runId, (variant, version) => {
    seen.add(version);
    return rates(
      variant,
      version,
      [...seen].sort((a, b) => a - b),
    );
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${users} users in ${seconds.toFixed(1)} s (${(users / seconds).toFixed(0)} per second)`);
  console.log(`  served production (outside the experiment or none running): ${tally.production}`);
  console.log(`  executed on the simulator: ${tally.executed}; errors: ${tally.errors}`);
  for (const [variant, arm] of [...tally.byVariant].sort()) {
    const rate = arm.exposures > 0 ? (arm.conversions / arm.exposures) * 100 : 0;
    console.log(
      `  ${variant} (v${arm.version}): ${arm.exposures} exposed, ${arm.conversions} converted (${rate.toFixed(2)}%)`,
    );
  }
  if (tally.experimentId) console.log(`\nResults: ${baseUrl}/experiments/${tally.experimentId}`);
  else console.log(`\nNo experiment is running on ${promptId}: start one on its Experiments tab.`);
}

async function simulateAa() {
  const experiments = positiveInt('experiments', values.experiments);
  const rate = share('rate', values.rate);
  const { getDatabase } = await import('@/lib/server/db');
  const { getEnv } = await import('@/lib/server/env');
  const { changeExperimentPhase, createExperiment } = await import('@/lib/server/experiments/setup');
  const { LIVE_EXPERIMENT_TTL_MS } = await import('@/lib/server/experiments/live');
  if (!getEnv().DATABASE_URL) fail('--aa needs DATABASE_URL: the studio’s PostgreSQL server.');
  const { prisma } = await getDatabase();
  const membership = await prisma.membership.findFirst({
    where: { role: 'admin', ...(values.as ? { user: { email: values.as } } : {}) },
    include: { user: true },
    orderBy: { createdAt: 'asc' },
  });
  if (!membership) fail(values.as ? `${values.as} is not an admin` : 'no admin found');
  const actor = {
    workspaceId: membership.workspaceId,
    userId: membership.userId,
    email: membership.user.email,
    role: membership.role,
  };
  const { createStudioRegistry } = await import('@/lib/server/loom');
  const versions = (await createStudioRegistry(prisma, actor.workspaceId).listVersions(promptId))
    .sort((a, b) => b.version - a.version)
    .slice(0, 2);
  if (versions.length < 2)
    fail(`${promptId} needs two versions for an A/A test (both arms get the same true rate).`);
  let falsePositives = 0;
  for (let i = 0; i < experiments; i++) {
    const created = await createExperiment(prisma, actor, {
      promptId,
      name: `A/A simulation ${i + 1} of ${experiments}`,
      variants: versions.map((v) => ({ version: v.version, weight: 1 })).reverse(),
      trafficPercent: 100,
      metric: { kind: 'binary', goal: 'increase' },
      baseline: rate * 100,
      standardDeviation: null,
      minimumDetectableEffectPercent: 20,
      powerPercent: 80,
      confidencePercent: 95,
      minSamplesPerArm: 100,
      guardrails: { latencyP95Ms: null, costPerCallUsd: null, errorRatePercent: null },
      autoPromote: false,
    });
    await changeExperimentPhase(prisma, actor, { id: created.id, action: 'start' });
    // This process is not the server: the server's cached view of the prompt's running experiment
    // (the previous one, or none) lasts up to its TTL, so traffic waits until it has expired.
    await new Promise((resolve) => setTimeout(resolve, LIVE_EXPERIMENT_TTL_MS + 100));
    try {
      const tally = await drive(`aa${i}-${Date.now().toString(36)}`, () => rate);
      if (tally.errors > 0) console.error(`  experiment ${i + 1}: ${tally.errors} failed requests`);
    } finally {
      await changeExperimentPhase(prisma, actor, {
        id: created.id,
        action: 'stop',
        reason: 'A/A simulation done',
      });
    }
    const winner = await prisma.experimentWinner.findUnique({
      where: { workspaceId_experimentId: { workspaceId: actor.workspaceId, experimentId: created.id } },
    });
    if (winner) falsePositives++;
    console.log(
      `  A/A ${i + 1}/${experiments}: ${winner ? `false positive (${winner.variant})` : 'no winner'}`,
    );
  }
  const fpr = falsePositives / experiments;
  console.log(
    `\nA/A false-positive rate through the API: ${falsePositives}/${experiments} = ${(fpr * 100).toFixed(1)}% (alpha 5%, a look after every outcome)`,
  );
  await prisma.$disconnect();
}

try {
  if (values.aa) await simulateAa();
  else await simulate();
  process.exit(0);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
