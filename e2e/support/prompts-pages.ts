import { expect, type Locator, type Page } from '@playwright/test';

/** A prompt document in the import format, unique per test. */
export function promptDocument(p: { id: string; name: string; tag: string; user: string }): string {
  return [
    `id: ${p.id}`,
    `name: ${p.name}`,
    'description: Seeded by an e2e test',
    `tags: [${p.tag}, e2e]`,
    `user: "${p.user} {{ customer }}"`,
    'variables:',
    '  - name: customer',
    '    type: string',
    '    required: true',
    '',
  ].join('\n');
}

export class PromptsListPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/prompts');
    await expect(this.page.getByRole('heading', { name: 'Prompts', exact: true })).toBeVisible();
  }

  search() {
    return this.page.getByRole('searchbox', { name: 'Search' });
  }

  tagFilter() {
    return this.page.getByRole('combobox', { name: 'Tag' });
  }

  showArchived() {
    return this.page.getByRole('checkbox', { name: 'Show archived' });
  }

  rows() {
    return this.page.getByTestId('prompt-row');
  }

  row(id: string): Locator {
    return this.rows().filter({ hasText: id });
  }

  tagOptions(): Promise<string[]> {
    return this.tagFilter()
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  }

  archiveButton(name: string): Locator {
    return this.page.getByRole('button', { name: `Archive ${name}`, exact: true });
  }

  /** The note shown after an archive, with its Undo button. */
  archivedNote(): Locator {
    return this.page.getByRole('status').filter({ hasText: /^Archived / });
  }

  importDialog() {
    return this.page.getByRole('dialog', { name: 'Import prompts' });
  }

  async openImport() {
    await this.page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(this.importDialog()).toBeVisible();
  }

  /** Pastes `text` into the import dialog (opened if needed) and submits it; it stays open with the outcome. */
  async importText(text: string) {
    if (!(await this.importDialog().isVisible())) await this.openImport();
    await this.importDialog().getByLabel('Or paste a prompt document').fill(text);
    await this.importDialog().getByRole('button', { name: 'Import', exact: true }).click();
  }

  async importFile(name: string, content: string) {
    await this.openImport();
    await this.importDialog()
      .getByLabel('Files', { exact: true })
      .setInputFiles({ name, mimeType: 'application/yaml', buffer: Buffer.from(content) });
    await this.importDialog().getByRole('button', { name: 'Import', exact: true }).click();
  }

  /** Drops a file on the import dialog's drop zone, as a drag from the desktop does. */
  async dropFile(name: string, content: string) {
    const data = await this.page.evaluateHandle(
      ({ name, content }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([content], name, { type: 'application/yaml' }));
        return transfer;
      },
      { name, content },
    );
    const zone = this.importDialog().getByTestId('import-drop-zone');
    await zone.dispatchEvent('dragover', { dataTransfer: data });
    await zone.dispatchEvent('drop', { dataTransfer: data });
  }

  async closeImport() {
    await this.importDialog().getByRole('button', { name: 'Close' }).click();
    await expect(this.importDialog()).toBeHidden();
  }

  /** Clicks an export link and returns the downloaded file's text. */
  async exportAs(format: 'YAML' | 'JSON'): Promise<{ name: string; text: string }> {
    const downloading = this.page.waitForEvent('download');
    await this.page.getByRole('link', { name: `Export ${format}` }).click();
    const download = await downloading;
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
  }
}

export class PromptHistoryPage {
  constructor(private readonly page: Page) {}

  async goto(id: string) {
    await this.page.goto(`/prompts/${id}/history`);
    await expect(this.page.getByRole('heading', { name: 'Versions', exact: true })).toBeVisible();
  }

  version(n: number) {
    return this.page.getByRole('row', { name: `Version ${n}`, exact: true });
  }

  auditEntries() {
    return this.page.getByTestId('audit-entry');
  }

  /** Presses Promote or Roll back on version `n` and confirms in the dialog. */
  async moveProduction(n: number, verb: 'Promote' | 'Roll back') {
    await this.version(n).getByRole('button', { name: verb }).click();
    const title = verb === 'Promote' ? `Promote v${n} to production?` : `Roll back production to v${n}?`;
    const dialog = this.page.getByRole('dialog', { name: title });
    await dialog.getByRole('button', { name: verb }).click();
    await expect(dialog).toBeHidden();
    await expect(this.version(n).getByTestId('version-label-production')).toBeVisible();
  }

  /** Types a label and a version into "Set label" and submits it. */
  async setLabel(label: string, version: number) {
    const form = this.page.getByRole('form', { name: 'Set a label' });
    await form.getByLabel('Label').fill(label);
    await form.getByLabel('Version').selectOption(`${version}`);
    await form.getByRole('button', { name: 'Set label' }).click();
  }

  dialog(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  diff() {
    return this.page.getByTestId('version-diff');
  }

  diffSide(side: 'original' | 'modified') {
    return this.diff().locator(`.editor.${side} .view-lines`);
  }
}

/** The first step of a new prompt (/prompts/new). */
export class NewPromptPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/prompts/new');
    await expect(this.page.getByRole('heading', { name: 'New prompt' })).toBeVisible();
  }

  form(): Locator {
    return this.page.getByTestId('new-prompt-form');
  }

  name(): Locator {
    return this.form().getByLabel('Name');
  }

  id(): Locator {
    return this.form().getByRole('textbox', { name: 'Id' });
  }

  async submit() {
    await this.form().getByRole('button', { name: 'Continue to the editor' }).click();
  }
}
