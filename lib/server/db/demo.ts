import 'server-only';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { PromptDataInput } from '@/lib/loom/core';
import type { Env } from '../env';

// What a new demo workspace starts with, so a newcomer can try the studio offline: the simulator
// (the fake LLM server `npm start` runs beside the studio) as a provider, and a few prompts with
// versions and a production label.

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
    versions: [
      {
        data: {
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
        },
        message: 'First version',
      },
    ],
    production: 1,
  },
];

/**
 * Adds the simulator provider and the demo prompts to a workspace. Each piece is skipped when it
 * already exists (an admin's own "simulator" or prompt of the same id is never overwritten).
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
  const registry = createPrismaRegistry(prisma, workspaceId);
  for (const prompt of DEMO_PROMPTS) {
    const first = prompt.versions[0]?.data;
    if (!first || (await registry.find(first.id, 1))) continue;
    for (const [index, version] of prompt.versions.entries()) {
      await registry.save(version.data, { author, message: version.message, expectedLatest: index });
    }
    await registry.setLabel(first.id, 'production', prompt.production, { actor: author });
  }
}
