import { randomBytes } from 'node:crypto';
import { expect, type Locator, type Page } from '@playwright/test';
import { withSeededWorkspace } from './database';

export interface SeededPrompt {
  id: string;
  name: string;
}

/**
 * Saves a one-version prompt with a required `who` variable (plus `extra.variables`, used by
 * `extra.user`) that runs on the demo workspace's simulator, straight in the database (rows as the
 * Prisma registry writes them).
 */
export async function seedPlaygroundPrompt(
  model = 'gpt-4o-mini',
  extra: { provider?: string; user?: string; variables?: Record<string, unknown>[] } = {},
): Promise<SeededPrompt> {
  const suffix = randomBytes(5).toString('hex');
  const prompt = { id: `e2e-play-${suffix}`, name: `Playground ${suffix}` };
  await withSeededWorkspace(async (client, workspaceId) => {
    const rowId = `p_${suffix}`;
    const now = new Date();
    await client.query(
      `INSERT INTO "Prompt" (id, "workspaceId", slug, name, description, tags, "latestVersion", "updatedAt", "updatedBy")
       VALUES ($1, $2, $3, $4, '', '{e2e}', 1, $5, 'e2e')`,
      [rowId, workspaceId, prompt.id, prompt.name, now],
    );
    await client.query(
      `INSERT INTO "PromptVersion" ("promptId", version, name, description, tags, system, "user", variables,
         examples, model, metadata, author, message, "createdAt")
       VALUES ($1, 1, $2, '', '{e2e}', 'You are terse.', $6, $3, '[]', $4, '{}', 'e2e', 'seeded', $5)`,
      [
        rowId,
        prompt.name,
        JSON.stringify([
          { name: 'who', type: 'string', required: true, description: 'Whom to greet.' },
          ...(extra.variables ?? []),
        ]),
        JSON.stringify({ provider: extra.provider ?? 'simulator', model }),
        now,
        extra.user ?? 'Say hello to {{ who }}',
      ],
    );
  });
  return prompt;
}

export class PlaygroundPage {
  constructor(private readonly page: Page) {}

  async goto(promptId: string) {
    await this.page.goto(`/prompts/${encodeURIComponent(promptId)}/playground`);
    await expect(this.page.getByRole('form', { name: 'Run settings' })).toBeVisible();
  }

  field(name: string): Locator {
    return this.page.getByTestId(`sample-${name}`).locator('textarea, input, select').first();
  }

  model(): Locator {
    return this.page.getByLabel('Model');
  }

  provider(): Locator {
    return this.page.getByLabel('Provider');
  }

  runButton(): Locator {
    return this.page.getByRole('button', { name: 'Run', exact: true });
  }

  cancelButton(): Locator {
    return this.page.getByRole('button', { name: 'Cancel' });
  }

  output(): Locator {
    return this.page.getByTestId('run-output');
  }

  status(): Locator {
    return this.page.getByTestId('run-status');
  }

  metrics(): Locator {
    return this.page.getByTestId('run-metrics');
  }

  /** Where the outcome of a cancelled or failed run is said; focus lands there. */
  outcome(): Locator {
    return this.page.getByTestId('run-outcome');
  }

  /** The messages the last run sent, opened. */
  async sentMessages(): Promise<Locator> {
    const answer = this.page.locator('section').filter({ has: this.output() });
    await answer.getByText(/^Messages sent/).click();
    return answer.getByTestId('sent-message');
  }

  sessionRuns(): Locator {
    return this.page.getByTestId('session-run');
  }

  comparedRuns(): Locator {
    return this.page.getByTestId('compared-run');
  }

  /** Status and answer read in one go, so a check sees them at the same instant. */
  snapshot(): Promise<{ status: string; output: string }> {
    return this.page.evaluate(() => ({
      status: document.querySelector('[data-testid="run-status"]')?.textContent ?? '',
      output: document.querySelector('[data-testid="run-output"]')?.textContent ?? '',
    }));
  }
}

export class ProvidersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/settings/providers');
    await expect(this.page.getByRole('heading', { name: 'Providers', level: 1 })).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByTestId('provider-row').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  form(): Locator {
    return this.page.getByRole('form', { name: 'Provider settings' });
  }

  async fillOpenAI(values: { name: string; apiKey?: string; baseUrl: string }) {
    const form = this.form();
    await form.getByLabel('Kind').selectOption('openai');
    await form.getByLabel('Name').fill(values.name);
    await form.getByLabel('API key').fill(values.apiKey ?? '');
    await form.getByLabel('Base URL').fill(values.baseUrl);
  }

  async testConnection() {
    await this.form().getByRole('button', { name: 'Test connection' }).click();
  }

  connectionResult(): Locator {
    return this.form().getByTestId('connection-result');
  }
}
