import type { Page } from '@playwright/test';

/** Calls a server action by its id from the page, as a forged request would (same origin, cookies). */
export function callAction(page: Page, actionId: string, args: unknown[]): Promise<string> {
  return page.evaluate(
    async ({ actionId, body }) => {
      const response = await fetch(window.location.href, {
        method: 'POST',
        headers: {
          'next-action': actionId,
          accept: 'text/x-component',
          'content-type': 'text/plain;charset=UTF-8',
        },
        body,
      });
      return response.text();
    },
    { actionId, body: JSON.stringify(args) },
  );
}
