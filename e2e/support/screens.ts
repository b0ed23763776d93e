import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export type Theme = 'light' | 'dark';

/** The phone and desktop sizes every screen is checked at. */
export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
] as const;

export const THEMES: readonly Theme[] = ['light', 'dark'];

/** Chooses the theme as a user would (saved in this browser) before any page loads. */
export async function useTheme(page: Page, theme: Theme) {
  await page.addInitScript((value) => localStorage.setItem('loom-theme', value), theme);
}

interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Inside Monaco's text area, syntax colours (`.mtk*` tokens in `.view-line`s) and dimmed line
 * numbers are the editor theme's, painted over the diff's inserted/removed backgrounds: the one
 * contrast finding not ours to fix. Every other rule still covers Monaco (its inputs' names).
 */
const isMonacoText = (target: string) => /\.view-line|\.mtk\d|\.line-numbers/.test(target);

/** axe-core's WCAG 2.1 A/AA findings that are serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes
        .map((n) => n.target.join(' '))
        .filter((target) => v.id !== 'color-contrast' || !isMonacoText(target))
        .slice(0, 5),
    }))
    .filter((finding) => finding.targets.length > 0);
}

/**
 * The checks every screen passes: the chosen theme is on <html data-theme>, the page does not
 * scroll sideways, a full-page screenshot for a human to look at, and no serious axe finding.
 * Soft assertions, so one run reports every screen's problems.
 */
export async function checkScreen(page: Page, screen: string, theme: Theme) {
  const width = page.viewportSize()?.width ?? 0;
  await expect.soft(page.locator('html')).toHaveAttribute('data-theme', theme);
  const { scrollWidth, innerWidth, mainOverflow } = await page.evaluate(() => {
    const main = document.querySelector('main');
    return {
      scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
      innerWidth: window.innerWidth,
      mainOverflow: main ? main.scrollWidth - main.clientWidth : 0,
    };
  });
  expect.soft(scrollWidth, `${screen} at ${width} px scrolls sideways`).toBeLessThanOrEqual(innerWidth);
  // The shell lets main scroll sideways rather than the page; content should still fit.
  expect.soft(mainOverflow, `${screen} at ${width} px is wider than its main area`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `e2e/screenshots/${screen}-${width}-${theme}.png`, fullPage: true });
  expect.soft(await seriousViolations(page), `${screen} at ${width} px, ${theme}: axe`).toEqual([]);
}
