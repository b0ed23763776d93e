import { test as base, expect, type Page } from '@playwright/test';
import type { Account, Role } from './accounts';
import { SignInPage, StudioShell, signInAsNewAccount } from './pages';

interface Fixtures {
  signInPage: SignInPage;
  shell: StudioShell;
  /** Creates a fresh account with the role and signs this page in as it. */
  signInAs: (role: Role) => Promise<Account>;
  /** Fails the test if the page made any request to a host other than 127.0.0.1. */
  loopbackOnly: void;
}

export const test = base.extend<Fixtures>({
  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  shell: async ({ page }, use) => use(new StudioShell(page)),
  signInAs: async ({ page }, use) => {
    await use((role) => signInAsNewAccount(page, role));
  },
  loopbackOnly: [
    async ({ page }: { page: Page }, use) => {
      const foreign: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1')
          foreign.push(request.url());
      });
      await use();
      expect(foreign, 'requests that left 127.0.0.1').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
