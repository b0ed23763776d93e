import { randomBytes } from 'node:crypto';
import { LangfuseClient } from '@langfuse/client';
import OpenAI from 'openai';
import { Webhook } from 'standardwebhooks';
import { createLoomClient } from '../lib/sdk';
import { ApiKeysPage } from './support/api-keys-pages';
import { E2E_BASE_URL } from './support/config';
import { expect, test } from './support/fixtures';
import { PromptHistoryPage, PromptsListPage } from './support/prompts-pages';
import { startWebhookReceiver } from './support/webhook-receiver';
import { WebhookEndpointPage, WebhooksPage } from './support/webhooks-pages';

// The runtime API's journey: an admin creates a key in the browser; an "app" (this test, with the
// official openai and @langfuse/client packages and the Loom SDK) fetches, renders and executes
// prompts with it; promoting a version changes what the app gets once its cache TTL has passed; a
// webhook receiver on loopback gets the signed label.moved; revoking the key makes the next call 401.

/** The SDK's cache TTL in this journey: the app sees a promotion within it (plus one refresh). */
const SDK_TTL_MS = 1_000;

/** A prompt of this test's own, on the demo simulator, so promoting it disturbs no other spec. */
function promptDocument(id: string, user: string): string {
  return [
    `id: ${id}`,
    `name: Journey ${id}`,
    'description: Seeded by the runtime API journey',
    `tags: [${id}, e2e]`,
    'system: You write release notes.',
    `user: "${user} {{ customer }}"`,
    'variables:',
    '  - name: customer',
    '    type: string',
    '    required: true',
    'model:',
    '  provider: simulator',
    '  model: gpt-4o-mini',
    '',
  ].join('\n');
}

test('an app uses prompts through the openai SDK, the Langfuse client and the Loom SDK with a key made in the browser', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(120_000);
  const receiver = await startWebhookReceiver();
  try {
    await signInAs('admin');

    // A webhook endpoint for label moves, and its signing secret.
    const webhooks = new WebhooksPage(page);
    await webhooks.goto();
    await webhooks.add({ url: receiver.url, description: 'Journey receiver', events: ['label.moved'] });
    const endpoint = new WebhookEndpointPage(page);
    await endpoint.expectOpen(receiver.url);
    const webhookSecret = await endpoint.revealSecret();

    // The key, shown once.
    const keys = new ApiKeysPage(page);
    await keys.goto();
    const name = `journey app ${randomBytes(3).toString('hex')}`;
    const secret = await keys.create(name, ['prompts:read', 'prompts:execute']);
    const publicId = /loom_pk_[A-Za-z0-9_-]+/.exec(await keys.row(name).innerText())?.[0];
    expect(publicId).toBeDefined();
    await page.reload();
    await expect(keys.row(name)).toBeVisible();
    await expect(keys.newSecret()).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    // The app executes the demo prompt with the official openai SDK, plain and streamed.
    const openai = new OpenAI({ baseURL: `${E2E_BASE_URL}/api/v1`, apiKey: secret, maxRetries: 0 });
    const variables = { customer_name: 'Ada', message: 'My invoice is wrong.' };
    const completion = await openai.chat.completions.create({
      model: 'support-reply',
      messages: [],
      ...({ variables } as object),
    });
    expect(completion.choices[0]?.message.content).toContain('Ada');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    const stream = await openai.chat.completions.create({
      model: 'support-reply@v1',
      messages: [],
      stream: true,
      ...({ variables } as object),
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toContain('Customer Ada writes');
    const unknown = await openai.chat.completions
      .create({ model: 'no-such-prompt', messages: [] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);

    // The official Langfuse client fetches and compiles a demo prompt with the key pair; the
    // production support-reply uses `{% if %}`, which it could not compile: refused, named.
    const langfuse = new LangfuseClient({ baseUrl: E2E_BASE_URL, publicKey: publicId, secretKey: secret });
    const summarize = await langfuse.prompt.get('summarize-ticket', { type: 'chat', cacheTtlSeconds: 0 });
    expect(summarize.compile({ ticket: 'Export fails.' })).toEqual([
      {
        role: 'system',
        content: 'You summarize support tickets for engineers: facts first, no pleasantries.',
      },
      { role: 'user', content: 'Summarize this ticket in 2 sentences:\n\nExport fails.' },
    ]);
    const refused = await langfuse.prompt
      .get('support-reply', { cacheTtlSeconds: 0, maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 422 });
    expect(JSON.stringify((refused as { body: unknown }).body)).toContain('uses `{% if %}`');

    // A prompt of the test's own in production; the Loom SDK fetches it and renders it locally.
    const id = `journey-${randomBytes(4).toString('hex')}`;
    const list = new PromptsListPage(page);
    await list.goto();
    await list.importText(promptDocument(id, 'First draft for'));
    await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${id} v1.`);
    await list.importText(promptDocument(id, 'Polished notes for'));
    await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${id} v2.`);
    await list.closeImport();
    const history = new PromptHistoryPage(page);
    await history.goto(id);
    await history.moveProduction(1, 'Promote');

    const loom = createLoomClient({ baseUrl: E2E_BASE_URL, apiKey: secret, cache: { ttlMs: SDK_TTL_MS } });
    const before = await loom.getPrompt(id);
    expect(before.version).toBe(1);
    expect((await before.render({ customer: 'Ada' })).user).toBe('First draft for Ada');
    expect((await loom.execute(id, { variables: { customer: 'Ada' } })).output).toContain(
      'First draft for Ada',
    );

    // Promoting v2 in the browser: the app gets it after the TTL, and the receiver a signed event.
    await history.moveProduction(2, 'Promote');
    await expect.poll(async () => (await loom.getPrompt(id)).version, { timeout: 10 * SDK_TTL_MS }).toBe(2);
    expect((await loom.render(id, { customer: 'Ada' })).user).toBe('Polished notes for Ada');
    const moves = () =>
      receiver.received.filter((r) => {
        const event = JSON.parse(r.body) as { type: string; data: { promptId?: string; to?: number } };
        return event.type === 'label.moved' && event.data.promptId === id && event.data.to === 2;
      });
    await expect.poll(() => moves().length, { timeout: 15_000 }).toBe(1);
    const [moved] = moves();
    expect(new Webhook(webhookSecret).verify(moved!.body, moved!.headers)).toMatchObject({
      type: 'label.moved',
      data: { promptId: id, label: 'production', to: 2 },
    });

    // Revoked in the browser: the app's next call is refused.
    await keys.goto();
    await keys.revoke(name);
    const afterRevoke = await openai.chat.completions
      .create({ model: 'support-reply', messages: [], ...({ variables } as object) })
      .catch((e: unknown) => e);
    expect(afterRevoke).toBeInstanceOf(OpenAI.AuthenticationError);
    const langfuseAfter = await langfuse.prompt
      .get('summarize-ticket', { cacheTtlSeconds: 0, maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(langfuseAfter).toMatchObject({ statusCode: 401 });
    loom.clearCache();
    await expect(loom.getPrompt(id)).rejects.toMatchObject({ status: 401 });
  } finally {
    await receiver.close();
  }
});
