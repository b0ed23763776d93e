import { expect, type Locator, type Page } from '@playwright/test';

/** A prompt document (the prompts import format) with typed variables, unique per test. */
export function typedPromptDocument(p: {
  id: string;
  name: string;
  user: string;
  variables: { name: string; type: string; required: boolean }[];
}): string {
  return [
    `id: ${p.id}`,
    `name: ${p.name}`,
    'description: Seeded by the suites e2e test',
    `user: "${p.user}"`,
    'variables:',
    ...p.variables.flatMap((v) => [
      `  - name: ${v.name}`,
      `    type: ${v.type}`,
      `    required: ${v.required}`,
    ]),
    '',
  ].join('\n');
}

export class NewSuitePage {
  constructor(private readonly page: Page) {}

  async create(name: string, promptLabel: string | RegExp) {
    await this.page.goto('/suites/new');
    await this.page.getByLabel('Name').fill(name);
    await this.page.getByLabel('Prompt').selectOption({ label: promptLabel as string });
    await this.page.getByRole('button', { name: 'Create suite' }).click();
    await expect(this.page.getByTestId('suite-name')).toHaveText(name);
  }
}

export class SuiteCasesPage {
  constructor(private readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('case-row');
  }

  row(id: string): Locator {
    return this.rows().filter({ has: this.page.getByText(id, { exact: true }) });
  }

  importDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Import cases' });
  }

  /** Opens the import dialog (if needed) and submits `content` as the file `name`. */
  async importFile(name: string, content: string, mode: 'Append' | 'Replace' = 'Append') {
    if (!(await this.importDialog().isVisible())) {
      await this.page.getByRole('button', { name: 'Import', exact: true }).click();
    }
    const dialog = this.importDialog();
    await dialog
      .getByLabel('File')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
    await dialog.getByLabel(mode === 'Append' ? /Append/ : /Replace/).check();
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  }

  caseDialog(): Locator {
    return this.page.getByRole('dialog').filter({ has: this.page.getByTestId('case-form') });
  }

  revision(): Locator {
    return this.page.getByTestId('suite-revision');
  }
}

export class SuiteEvaluatorsPage {
  constructor(private readonly page: Page) {}

  async goto(suiteUrl: string) {
    await this.page.goto(`${suiteUrl}/evaluators`);
    await expect(this.page.getByTestId('evaluators-form')).toBeVisible();
  }

  evaluators(): Locator {
    return this.page.getByTestId('evaluator');
  }

  async add(kind: string) {
    await this.page.getByLabel('Add an evaluator').selectOption({ label: kind });
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save evaluators' }).click();
  }
}
