import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { SignInPage } from './support/pages';
import { THEMES, VIEWPORTS, checkScreen, useTheme } from './support/screens';

/** A demo prompt every e2e database has (seeded at first start); the screens only read it. */
const DEMO_PROMPT = 'support-reply';

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

/** The demo suite (seeded at first start), or one of its tabs; the screens only read it. */
async function openDemoSuite(page: Page, tab?: 'evaluators' | 'runs') {
  await page.goto('/suites');
  const href = await page.getByRole('link', { name: 'Intent routing', exact: true }).getAttribute('href');
  await page.goto(tab ? `${href}/${tab}` : href!);
  await expect(heading(page, 'Intent routing')).toBeVisible();
}

/** Every screen of the studio, with what shows it is ready. */
const SCREENS: { name: string; open: (page: Page) => Promise<void> }[] = [
  {
    name: 'home',
    open: async (page) => {
      await page.goto('/');
      await expect(heading(page, 'Demo workspace')).toBeVisible();
      // The latest promotions head the list; other tests promote their own prompts meanwhile.
      await expect(
        page.getByRole('list', { name: 'Prompts in production' }).getByRole('listitem').first(),
      ).toBeVisible();
    },
  },
  {
    name: 'prompts',
    open: async (page) => {
      await page.goto('/prompts');
      await expect(heading(page, 'Prompts')).toBeVisible();
    },
  },
  {
    name: 'new-prompt',
    open: async (page) => {
      await page.goto('/prompts/new');
      await expect(heading(page, 'New prompt')).toBeVisible();
    },
  },
  {
    name: 'editor',
    open: async (page) => {
      await page.goto(`/prompts/${DEMO_PROMPT}`);
      await expect(heading(page, 'Support reply')).toBeVisible();
      // Monaco is a 4 MB lazy chunk: on a busy machine it takes longer than the default wait.
      await expect(page.locator('.monaco-editor').first()).toBeVisible({ timeout: 30_000 });
    },
  },
  {
    name: 'history',
    open: async (page) => {
      await page.goto(`/prompts/${DEMO_PROMPT}/history`);
      await expect(page.getByRole('heading', { name: 'Compare versions' })).toBeVisible();
    },
  },
  {
    name: 'compare',
    open: async (page) => {
      await page.goto(`/prompts/${DEMO_PROMPT}/history`);
      await page
        .getByRole('button', { name: /^Compare/ })
        .first()
        .click();
      await expect(page.locator('.monaco-diff-editor').first()).toBeVisible({ timeout: 30_000 });
    },
  },
  {
    name: 'playground',
    open: async (page) => {
      await page.goto(`/prompts/${DEMO_PROMPT}/playground`);
      await expect(page.getByRole('button', { name: /^Run/ })).toBeVisible();
    },
  },
  {
    name: 'suites',
    open: async (page) => {
      await page.goto('/suites');
      await expect(heading(page, 'Suites')).toBeVisible();
    },
  },
  {
    name: 'suite',
    open: async (page) => {
      await openDemoSuite(page);
      await expect(page.getByTestId('case-row').first()).toBeVisible();
    },
  },
  {
    name: 'suite-evaluators',
    open: async (page) => {
      await openDemoSuite(page, 'evaluators');
      await expect(page.getByTestId('evaluators-form')).toBeVisible();
    },
  },
  {
    name: 'suite-runs',
    open: async (page) => {
      await openDemoSuite(page, 'runs');
      await expect(page.getByRole('form', { name: 'Start a run' })).toBeVisible();
    },
  },
  {
    name: 'members',
    open: async (page) => {
      await page.goto('/settings/members');
      await expect(heading(page, 'Members')).toBeVisible();
    },
  },
  {
    name: 'providers',
    open: async (page) => {
      await page.goto('/settings/providers');
      await expect(heading(page, 'Providers')).toBeVisible();
    },
  },
  {
    name: 'webhooks',
    open: async (page) => {
      await page.goto('/settings/webhooks');
      await expect(heading(page, 'Webhooks')).toBeVisible();
    },
  },
  {
    name: 'not-found',
    open: async (page) => {
      await page.goto('/prompts/no-such-prompt-here');
      await expect(heading(page, 'This page does not exist')).toBeVisible();
    },
  },
  {
    name: 'api-reference',
    open: async (page) => {
      await page.goto('/api-reference');
      await expect(heading(page, 'API reference')).toBeVisible();
    },
  },
];

for (const viewport of VIEWPORTS) {
  for (const theme of THEMES) {
    test.describe(`at ${viewport.width} px in the ${theme} theme`, () => {
      test.use({ viewport });

      test('every screen fits, is readable and passes the accessibility scan', async ({ page, signInAs }) => {
        test.setTimeout(240_000);
        await useTheme(page, theme);
        await new SignInPage(page).goto();
        await expect(heading(page, 'Sign in to Loom Studio')).toBeVisible();
        await checkScreen(page, 'sign-in', theme);

        await signInAs('admin');
        for (const screen of SCREENS) {
          await test.step(screen.name, async () => {
            await screen.open(page);
            await checkScreen(page, screen.name, theme);
          });
        }
      });
    });
  }
}

test.describe('on a phone', () => {
  test.use({ viewport: VIEWPORTS[0] });

  test('the sidebar is a menu that opens, closes with Escape and gives focus back', async ({
    page,
    signInAs,
  }) => {
    await signInAs('editor');
    const menu = page.getByRole('button', { name: 'Menu', exact: true });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();

    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(nav).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close menu' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();

    // Following a link closes the menu and opens the page.
    await menu.click();
    await nav.getByRole('link', { name: 'Prompts' }).click();
    await expect(heading(page, 'Prompts')).toBeVisible();
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
  });
});

test('the first Tab reaches "Skip to content", which moves focus to the page', async ({ page, signInAs }) => {
  await signInAs('editor');
  await page.goto('/prompts');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
});

test('the chosen theme is kept and applied before the first paint', async ({ page, signInAs }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  // What <html data-theme> says when the document is parsed, before any React code runs.
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      (window as unknown as { themeAtParse?: string }).themeAtParse = document.documentElement.dataset.theme;
    });
  });
  await signInAs('viewer');
  const html = page.locator('html');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await expect(html).toHaveAttribute('data-theme', 'light');
  const light = await background();

  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(html).toHaveCSS('color-scheme', 'dark');
  expect(await background()).not.toBe(light);

  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { themeAtParse?: string }).themeAtParse)).toBe(
    'dark',
  );
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');

  // "Auto" follows the system again.
  await page.getByRole('button', { name: 'Auto' }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
});
