import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { E2E_BASE_URL } from './config';
import { withSeededWorkspace } from './database';
import { expect } from './fixtures';
import { PromptHistoryPage, PromptsListPage, promptDocument } from './prompts-pages';
import { THEMES, type Theme } from './screens';

/** A new prompt with versions 1 and 2 (production on v1), imported through the prompts list. */
export async function promptWithTwoVersions(page: Page) {
  const id = `exp-${randomBytes(4).toString('hex')}`;
  const p = { id, name: `Experiment target ${id}`, tag: id };
  const list = new PromptsListPage(page);
  await list.goto();
  await list.importText(promptDocument({ ...p, user: 'Hello' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);
  await list.importText(promptDocument({ ...p, user: 'Hi, how can I help?' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v2.`);
  await list.closeImport();
  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  await history.moveProduction(1, 'Promote');
  return p;
}

/**
 * Resolves once the e2e server serves the prompt's running experiment to a unit: the server
 * remembers a prompt's live experiment (or its absence) for up to a second, so traffic sent right
 * after Start could still get production. The probe unit is one extra exposure.
 */
export async function waitForLiveExperiment(promptId: string, apiKey: string, experimentId: string) {
  await expect
    .poll(
      async () => {
        const response = await fetch(
          `${E2E_BASE_URL}/api/v1/prompts/${encodeURIComponent(promptId)}?unitId=probe`,
          { headers: { authorization: `Bearer ${apiKey}` } },
        );
        const doc = (await response.json()) as { experiment?: { id: string } | null };
        return doc.experiment?.id ?? null;
      },
      { timeout: 10_000 },
    )
    .toBe(experimentId);
}

/**
 * Runs the real traffic simulator (`npm run simulate:traffic`, A/B mode) against the e2e server:
 * `users` units fetch the prompt with their unit id, convert at their variant's rate and report
 * outcomes, all through the runtime API. No unit executes (no LLM calls). Resolves with its output
 * (stdout, then the failed requests it printed to stderr) once it exits 0; rejects otherwise.
 */
export async function simulateTraffic(options: {
  promptId: string;
  apiKey: string;
  rates: string;
  users: number;
}): Promise<string> {
  const args = [
    'run',
    'simulate:traffic',
    '--',
    '--prompt',
    options.promptId,
    '--rates',
    options.rates,
    '--users',
    String(options.users),
    '--base-url',
    E2E_BASE_URL,
    '--execute-share',
    '0',
    '--concurrency',
    '8',
  ];
  return new Promise((resolve, reject) => {
    // The key goes in the environment, not the command line (LOOM_API_KEY is the script's fallback).
    execFile(
      'npm',
      args,
      { env: { ...process.env, LOOM_API_KEY: options.apiKey }, timeout: 90_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`simulate:traffic failed (${error.message}):\n${stdout}\n${stderr}`));
        else resolve(`${stdout}${stderr}`);
      },
    );
  });
}

/**
 * Traffic as the serving path records it (rows in ExperimentExposure and ExperimentOutcome; the
 * database's triggers keep the results page's aggregates): `exposures` units per variant, the
 * first `conversions` of them converting. For traffic the API cannot produce, such as a skewed
 * assignment; real traffic goes through simulateTraffic.
 */
export async function recordTraffic(
  experimentId: string,
  arms: { variant: string; exposures: number; conversions: number }[],
) {
  await withSeededWorkspace(async (client, workspaceId) => {
    for (const arm of arms) {
      await client.query(
        `INSERT INTO "ExperimentExposure" ("workspaceId", "experimentId", "unitId", "variant")
         SELECT $1, $2, $3 || '-' || g, $3 FROM generate_series(1, $4::int) g`,
        [workspaceId, experimentId, arm.variant, arm.exposures],
      );
      await client.query(
        `INSERT INTO "ExperimentOutcome" ("workspaceId", "experimentId", "unitId", "variant", "value")
         SELECT $1, $2, $3 || '-' || g, $3, 1 FROM generate_series(1, $4::int) g`,
        [workspaceId, experimentId, arm.variant, arm.conversions],
      );
    }
  });
}

export class PromptExperimentsPage {
  constructor(private readonly page: Page) {}

  async goto(promptId: string) {
    await this.page.goto(`/prompts/${encodeURIComponent(promptId)}/experiments`);
    await expect(this.form()).toBeVisible();
  }

  form() {
    return this.page.getByTestId('experiment-setup-form');
  }

  plannedSample() {
    return this.page.getByTestId('planned-sample');
  }

  /** Fills the name and the plan, creates the draft and lands on its results page; returns its id. */
  async create(name: string): Promise<string> {
    const form = this.form();
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Challenger 1').selectOption({ label: 'v2' });
    await form.getByLabel('Minimum detectable effect (%)').fill('20');
    await form.getByRole('button', { name: 'Create experiment' }).click();
    await this.page.waitForURL(/\/experiments\/exp-[0-9a-f]+$/);
    return decodeURIComponent(new URL(this.page.url()).pathname.split('/').at(-1) ?? '');
  }
}

export class ExperimentResultsPage {
  constructor(private readonly page: Page) {}

  async goto(id: string) {
    await this.page.goto(`/experiments/${encodeURIComponent(id)}`);
  }

  phase() {
    return this.page.getByTestId('experiment-phase').first();
  }

  variant(name: string) {
    return this.page.getByTestId('variant-result').filter({ hasText: name });
  }

  promoteButton() {
    return this.page.getByTestId('promote-winner');
  }

  srmBanner() {
    return this.page.getByTestId('srm-banner');
  }
}

/** Full-page screenshots of the current page in both themes (the theme is saved, then reloaded). */
export async function screenshotBothThemes(page: Page, name: string) {
  for (const theme of THEMES as readonly Theme[]) {
    await page.evaluate((value) => localStorage.setItem('loom-theme', value), theme);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page
      .getByTestId('charts-loading')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.screenshot({ path: `e2e/screenshots/experiments-${name}-${theme}.png`, fullPage: true });
  }
}
