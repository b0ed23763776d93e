import 'server-only';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { PromptData, PromptDataInput } from '@/lib/loom/core';
import type { PromptRegistry } from '@/lib/loom/registry';
import { API_SCOPES, hashSecret, visiblePrefix } from '../api/keys';
import type { Env } from '../env';
import { seedDemoSuite } from './demo-suite';

// What a new demo workspace starts with, so a newcomer can try the studio offline: the simulator
// (the fake LLM server `npm start` runs beside the studio) as a provider, and a few prompts with
// versions and a production label, and the "Intent routing" test suite (demo-suite.ts) whose judge
// rubric, `intent-judge`, is one of those prompts.

export const SIMULATOR_PROVIDER = 'simulator';

interface DemoPrompt {
  versions: { data: PromptDataInput; message: string }[];
  /** The version the production label points at. */
  production: number;
}

const model = { provider: SIMULATOR_PROVIDER, model: 'gpt-4o-mini', temperature: 0.3, maxTokens: 400 };

const supportReplyV1: PromptDataInput = {
  id: 'support-reply',
  version: 0,
  name: 'Support reply',
  description: 'Drafts a reply to a customer message.',
  tags: ['support', 'demo'],
  system: 'You are a helpful support agent for {{ product }}. Be accurate and kind.',
  user: 'Customer {{ customer_name }} writes:\n\n{{ message }}\n\nDraft a reply.',
  variables: [
    { name: 'customer_name', type: 'string', required: true, description: 'How to address the customer.' },
    { name: 'message', type: 'string', required: true, maxLength: 4000, description: 'What they wrote.' },
    { name: 'product', type: 'string', default: 'Loom', description: 'The product being supported.' },
  ],
  model,
};

const classifyIntentV1: PromptDataInput = {
  id: 'classify-intent',
  version: 0,
  name: 'Classify intent',
  description: 'Routes an incoming message to a queue.',
  tags: ['routing', 'demo'],
  system:
    'Classify the intent of the message as one of: {{ intents | join: ", " }}. Answer with the label only.',
  user: '{{ text }}',
  variables: [
    { name: 'text', type: 'string', required: true, description: 'The incoming message.' },
    { name: 'intents', type: 'list', default: ['billing', 'bug', 'feature-request', 'other'] },
  ],
  model: { ...model, temperature: 0, maxTokens: 10 },
};

const DEMO_PROMPTS: DemoPrompt[] = [
  {
    versions: [
      { data: supportReplyV1, message: 'First draft' },
      {
        data: {
          ...supportReplyV1,
          user: 'Customer {{ customer_name }} writes:\n\n{{ message }}\n\nReply in a {{ tone }} tone{% if max_words %}, in at most {{ max_words }} words{% endif %}.',
          variables: [
            ...(supportReplyV1.variables ?? []),
            {
              name: 'tone',
              type: 'enum',
              values: ['friendly', 'formal', 'concise'],
              default: 'friendly',
              description: 'The voice of the reply.',
            },
            { name: 'max_words', type: 'number', min: 20, max: 500, description: 'Optional length limit.' },
          ],
          examples: [
            {
              input: { customer_name: 'Sam', message: 'I was charged twice this month.', tone: 'friendly' },
              output:
                'Hi Sam, sorry about the double charge! I have refunded the second payment; you will see it within 3 to 5 days.',
            },
          ],
        },
        message: 'Tone and length controls, with an example',
      },
    ],
    production: 2,
  },
  {
    versions: [
      {
        data: {
          id: 'summarize-ticket',
          version: 0,
          name: 'Summarize ticket',
          description: 'Condenses a support ticket for the on-call engineer.',
          tags: ['support', 'demo'],
          system: 'You summarize support tickets for engineers: facts first, no pleasantries.',
          user: 'Summarize this ticket in {{ sentences }} sentences:\n\n{{ ticket }}',
          variables: [
            { name: 'ticket', type: 'string', required: true, description: 'The full ticket text.' },
            { name: 'sentences', type: 'number', default: 2, min: 1, max: 10 },
          ],
          model,
        },
        message: 'First version',
      },
    ],
    production: 1,
  },
  {
    // Version 2 is the challenger: the demo suite "Intent routing" (demo-suite.ts) shows it beats
    // production, and the simulator answers each version in its own way (fake-llm/demo-rules.ts).
    versions: [
      { data: classifyIntentV1, message: 'First version' },
      {
        data: {
          ...classifyIntentV1,
          system:
            'You route customer messages for a software company\'s support inbox. Classify the intent of the message as exactly one of these labels: {{ intents | join: ", " }}.\n\n' +
            'Label definitions:\n' +
            '- billing: money and accounts: charges, refunds, invoices, receipts, payment methods, prices, discounts and plans.\n' +
            '- bug: something in the product does not work as it should: errors, crashes, frozen or wrong screens, buttons that do nothing. A broken billing page is a bug; so is a complaint about a feature that already exists.\n' +
            '- feature-request: the customer asks for something the product does not do yet ("please add", "could you support", "it would be great").\n' +
            '- other: anything else: greetings, thanks, questions about the company.\n\n' +
            'Answer with the label only, in lower case, without punctuation.',
          examples: [
            { input: { text: 'I was billed for a seat we removed last month.' }, output: 'billing' },
            { input: { text: 'Search returns nothing since this morning.' }, output: 'bug' },
          ],
        },
        message: 'Label definitions and two examples',
      },
    ],
    production: 1,
  },
  {
    versions: [
      {
        data: {
          id: 'intent-judge',
          version: 0,
          name: 'Intent judge',
          description: 'The LLM judge of the "Intent routing" suite: is the label the expected one?',
          tags: ['judge', 'routing', 'demo'],
          system:
            'You grade the answer of an intent classifier for a support inbox. The answer must be exactly one label (billing, bug, feature-request or other) and the same label as the expected answer, ignoring case and surrounding spaces.\n' +
            'Reply with exactly three lines:\nSCORE: <integer 0-10>/10\nVERDICT: PASS or FAIL\nREASON: <one sentence>',
          user: 'Grading notes:\n{{ rubric }}\n\nCustomer message (the case input as JSON):\n{{ input }}\n\nExpected answer:\n{{ expected }}\n\nResponse to judge:\n{{ actual }}',
          variables: [
            { name: 'input', type: 'string', required: true, description: "The case's input as JSON." },
            {
              name: 'expected',
              type: 'string',
              default: '(none given)',
              description: "The case's expected label.",
            },
            { name: 'actual', type: 'string', required: true, description: 'The output being judged.' },
            {
              name: 'rubric',
              type: 'string',
              default: 'Only the label counts; a wrong or extra word fails.',
              description: 'Extra grading notes, when the run passes any.',
            },
          ],
          model: { ...model, temperature: 0, maxTokens: 200 },
        },
        message: 'First version',
      },
    ],
    production: 1,
  },
];

/** Whether a stored version is the demo's own (same templates), not an admin's prompt of the same id. */
const isDemoVersion = (stored: PromptData, demo: PromptDataInput) =>
  stored.system === demo.system && stored.user === demo.user;

/**
 * Adds the demo prompts missing from a workspace. A prompt that does not exist gets all its versions
 * and its production label. A prompt that exists with only the demo's own first versions (a workspace
 * seeded before later demo versions were added) gets the missing ones appended, labels untouched.
 * Anything else (an admin's own prompt of the same id, or a history that moved on) is left alone.
 */
async function seedDemoPrompts(registry: PromptRegistry, author: string): Promise<void> {
  for (const prompt of DEMO_PROMPTS) {
    const first = prompt.versions[0]?.data;
    if (!first) continue;
    if (!(await registry.find(first.id, 1))) {
      for (const [index, version] of prompt.versions.entries()) {
        await registry.save(version.data, { author, message: version.message, expectedLatest: index });
      }
      await registry.setLabel(first.id, 'production', prompt.production, { actor: author });
      continue;
    }
    const latest = (await registry.getLatest(first.id)).version;
    if (latest >= prompt.versions.length) continue;
    const stored = await Promise.all(
      prompt.versions.slice(0, latest).map((_, i) => registry.get(first.id, i + 1)),
    );
    if (!stored.every((version, i) => isDemoVersion(version, prompt.versions[i]!.data))) continue;
    for (const [index, version] of prompt.versions.entries()) {
      if (index < latest) continue;
      await registry.save(version.data, { author, message: version.message, expectedLatest: index });
    }
  }
}

/**
 * Adds the simulator provider, the demo prompts and the demo suite to a workspace. Each piece is
 * skipped when it already exists (an admin's own "simulator", prompt of the same id or suite of the
 * same name is never overwritten), so running it again adds nothing.
 */
export async function seedDemoWorkspace(
  prisma: PrismaClient,
  workspaceId: string,
  env: Pick<Env, 'LOOM_SIMULATOR_URL'>,
  author: string,
): Promise<void> {
  const baseUrl = env.LOOM_SIMULATOR_URL ? `${env.LOOM_SIMULATOR_URL.replace(/\/+$/, '')}/v1` : null;
  await prisma.providerConfig.upsert({
    where: { workspaceId_name: { workspaceId, name: SIMULATOR_PROVIDER } },
    create: {
      workspaceId,
      name: SIMULATOR_PROVIDER,
      kind: 'openai',
      baseUrl,
      isSimulator: true,
      updatedBy: author,
    },
    update: {},
  });
  await seedDemoPrompts(createPrismaRegistry(prisma, workspaceId), author);
  await seedDemoSuite(prisma, workspaceId, author);
}

/** Printed at every boot with a demo key configured: `active`, `revoked` or `absent`; `npm start` reads it. */
export const DEMO_API_KEY_LINE = '[loom] demo API key:';

/**
 * The demo workspace's API key (all scopes), whose secret `npm start` generated and keeps in the
 * secrets file: stored as its hash when the workspace has no key yet. A key an admin revoked stays
 * revoked. Prints whether it can be used, so the start command only advertises a working key.
 */
export async function ensureDemoApiKey(
  prisma: PrismaClient,
  env: Pick<Env, 'LOOM_DEMO_API_KEY' | 'LOOM_DEMO_API_KEY_ID'>,
  workspaceSlug: string,
): Promise<'active' | 'revoked' | 'absent' | undefined> {
  const secret = env.LOOM_DEMO_API_KEY;
  const id = env.LOOM_DEMO_API_KEY_ID;
  if (!secret || !id) return undefined;
  const workspace =
    (await prisma.workspace.findUnique({ where: { slug: workspaceSlug } })) ??
    (await prisma.workspace.findFirst({ orderBy: { createdAt: 'asc' } }));
  let status: 'active' | 'revoked' | 'absent' = 'absent';
  if (workspace) {
    const existing = await prisma.apiKey.findUnique({ where: { id } });
    if (existing) {
      status = existing.revokedAt || existing.secretHash !== hashSecret(secret) ? 'revoked' : 'active';
    } else if ((await prisma.apiKey.count({ where: { workspaceId: workspace.id } })) === 0) {
      await prisma.apiKey.create({
        data: {
          id,
          workspaceId: workspace.id,
          name: 'Demo key',
          prefix: visiblePrefix(secret),
          secretHash: hashSecret(secret),
          scopes: [...API_SCOPES],
          createdBy: 'npm start',
        },
      });
      status = 'active';
    }
  }
  console.log(`${DEMO_API_KEY_LINE} ${status}`);
  return status;
}
