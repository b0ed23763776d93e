import type { Page } from '@playwright/test';

/** /suites/[id]/compare: the picker, the metrics of each candidate and the case table. */
export class ComparePage {
  constructor(private readonly page: Page) {}

  goto(suiteId: string, query: Record<string, string> = {}) {
    const search = new URLSearchParams(query).toString();
    return this.page.goto(`/suites/${encodeURIComponent(suiteId)}/compare${search ? `?${search}` : ''}`);
  }

  metric(key: string) {
    return this.page.getByTestId('candidate-metrics').locator(`tr[data-metric="${key}"]`);
  }

  rows() {
    return this.page.getByTestId('compare-row');
  }

  changedOnly() {
    return this.page.getByLabel('Changed only');
  }

  search() {
    return this.page.getByRole('searchbox', { name: 'Search cases' });
  }

  openCase(caseId: string) {
    return this.page.getByRole('button', { name: `Show the output diff of case ${caseId}` }).click();
  }

  detail() {
    return this.page.getByTestId('compare-case-detail');
  }
}
