import { expect, type Locator, type Page } from '@playwright/test';

export type TemplatePart = 'system' | 'user';

/** The prompt editor (Editor tab and /prompts/new). */
export class EditorPage {
  constructor(readonly page: Page) {}

  async create(id: string, name: string) {
    await this.page.goto('/prompts/new');
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByLabel('Id', { exact: true }).fill(id);
    await this.page.getByRole('button', { name: 'Continue to the editor' }).click();
    await this.waitForMonaco('user');
  }

  async goto(id: string) {
    await this.page.goto(`/prompts/${encodeURIComponent(id)}`);
    await this.waitForMonaco('user');
  }

  template(part: TemplatePart): Locator {
    return this.page.getByTestId(`template-${part}`);
  }

  /**
   * Monaco is one lazy chunk of ~870 KB gzip: with a second browser busy on this 2-core machine,
   * fetching and compiling it has taken over 10 s, so it gets longer than the default assertion.
   */
  async waitForMonaco(part: TemplatePart) {
    await expect(this.template(part).locator('.monaco-editor .view-lines')).toBeVisible({ timeout: 30_000 });
  }

  /** Types at the end of a template, as a user would. */
  async typeAtEnd(part: TemplatePart, text: string) {
    await this.template(part).locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }

  /** Inserts text at the end of a template in one edit, as a paste does. */
  async pasteAtEnd(part: TemplatePart, text: string) {
    await this.template(part).locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.insertText(text);
  }

  errorMarkers(part: TemplatePart): Locator {
    return this.template(part).locator('.squiggly-error');
  }

  templateIssues(part: TemplatePart): Locator {
    return this.page.getByTestId(`template-${part}-issues`);
  }

  variableRows(): Locator {
    return this.page.getByTestId('variable-row');
  }

  async addVariable(name: string) {
    await this.page.getByRole('button', { name: 'Add variable' }).click();
    await this.variableRows()
      .last()
      .getByLabel(/^Name of variable \d+$/)
      .fill(name);
  }

  /** The row of a declared variable, by its name. */
  variableRow(name: string): Locator {
    return this.variableRows().filter({ has: this.page.getByLabel(`Type of ${name}`, { exact: true }) });
  }

  /** Monaco's input element: what has keyboard focus while the user types in a template. */
  templateInput(part: TemplatePart): Locator {
    return this.template(part).getByRole('textbox', {
      name: `${part === 'system' ? 'System' : 'User'} template`,
    });
  }

  tabHint(part: TemplatePart): Locator {
    return this.template(part).getByTestId('tab-hint');
  }

  /** Why the preview shows no messages, with its one-click fixes. */
  previewBlocked(): Locator {
    return this.page.getByTestId('preview-blocked');
  }

  /** The last messages that rendered, kept (dimmed) while the draft does not render. */
  stalePreviewMessages(): Locator {
    return this.page.getByTestId('preview-stale-message');
  }

  commitMessage(): Locator {
    return this.page.getByLabel('Commit message');
  }

  saveError(): Locator {
    return this.page.getByTestId('save-error');
  }

  /** The note after a save that the version is not live yet, with its Promote button. */
  savedNotLive(): Locator {
    return this.page.getByTestId('saved-not-live');
  }

  sample(name: string): Locator {
    return this.page.getByLabel(`Sample ${name}`);
  }

  previewMessages(): Locator {
    return this.page.getByTestId('preview-message');
  }

  previewCost(): Locator {
    return this.page.getByTestId('preview-cost');
  }

  saveButton(): Locator {
    return this.page.getByRole('button', { name: /^Save v\d+$/ });
  }

  async save(message: string) {
    await this.commitMessage().fill(message);
    await this.saveButton().click();
  }

  status(): Locator {
    return this.page.getByTestId('editor-status');
  }

  conflict(): Locator {
    return this.page.getByTestId('save-conflict');
  }
}
