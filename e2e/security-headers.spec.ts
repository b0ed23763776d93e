import { randomBytes } from 'node:crypto';
import type { APIResponse, Page } from '@playwright/test';
import { EditorPage } from './support/editor-pages';
import { expect, test } from './support/fixtures';
import { PromptHistoryPage, PromptsListPage, promptDocument } from './support/prompts-pages';

/** The headers every response carries, whatever it is. */
function expectCommonHeaders(response: APIResponse, what: string) {
  const headers = response.headers();
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
  // Plain HTTP on loopback: HSTS would pin a browser to an HTTPS that does not exist.
  expect(headers['strict-transport-security'], what).toBeUndefined();
}

/** The page's CSP nonce, checked against the scripts Next wrote into the HTML. */
async function expectNoncePolicy(response: APIResponse, what: string): Promise<string> {
  const csp = response.headers()['content-security-policy'] ?? '';
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce, `${what}: ${csp}`).toBeTruthy();
  expect(csp, what).toContain("worker-src 'self' blob:");
  expect(csp, what).not.toContain("'unsafe-eval'");
  const html = await response.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
  expect(scripts.length, what).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, what).toContain(`nonce="${nonce}"`);
  return nonce ?? '';
}

test('every kind of response carries the security headers; pages get a fresh CSP nonce each', async ({
  page,
  request,
  signInAs,
}) => {
  test.setTimeout(90_000); // a dozen requests, each a cold route on a busy two-core machine
  await signInAs('viewer');
  const studio = await page.request.get('/');
  expect(studio.status()).toBe(200);
  expectCommonHeaders(studio, 'studio page');
  const nonce = await expectNoncePolicy(studio, 'studio page');
  const again = await page.request.get('/');
  expect(await expectNoncePolicy(again, 'studio page again')).not.toBe(nonce);

  const notFound = await page.request.get(`/no-such-page-${randomBytes(3).toString('hex')}`);
  expect(notFound.status()).toBe(404);
  expectCommonHeaders(notFound, 'not-found page');
  await expectNoncePolicy(notFound, 'not-found page');

  // `request` has no session cookie: what a visitor gets.
  const signIn = await request.get('/sign-in');
  expect(signIn.status()).toBe(200);
  expectCommonHeaders(signIn, 'sign-in page');
  await expectNoncePolicy(signIn, 'sign-in page');

  const api = await request.get('/api/health');
  expect(api.status()).toBe(200);
  expectCommonHeaders(api, 'API route');
  expect(api.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  // The runtime API skips the proxy and sets the same headers itself, on answers and refusals alike.
  for (const path of [
    '/api/v1/ping',
    '/api/v1/prompts',
    '/api/public/v2/prompts/x',
    '/api/v1/openapi.json',
  ]) {
    const runtime = await request.get(path);
    expectCommonHeaders(runtime, `runtime API ${path} (${runtime.status()})`);
    expect(runtime.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  }
  const refusedChat = await request.post('/api/v1/chat/completions', { data: {} });
  expect(refusedChat.status()).toBe(401);
  expectCommonHeaders(refusedChat, 'OpenAI-compatible refusal');

  const script = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(await studio.text())?.[1];
  expect(script).toBeTruthy();
  const asset = await request.get(script ?? '');
  expect(asset.status()).toBe(200);
  expectCommonHeaders(asset, 'static asset');
  const icon = await request.get('/favicon.svg');
  expectCommonHeaders(icon, 'public file');

  // Behind a TLS-terminating proxy the studio asks browsers to stay on HTTPS.
  const overTls = await request.get('/api/health', { headers: { 'x-forwarded-proto': 'https' } });
  expect(overTls.headers()['strict-transport-security']).toBe('max-age=63072000');
  const runtimeOverTls = await request.get('/api/v1/ping', { headers: { 'x-forwarded-proto': 'https' } });
  expect(runtimeOverTls.headers()['strict-transport-security']).toBe('max-age=63072000');
});

/** Collects CSP violations reported in the page and CSP errors in its console. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to|Could not create web worker/i.test(message.text())) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  return async () => [
    ...problems,
    ...(await page.evaluate(
      () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
    )),
  ];
}

test('Monaco (its worker, styles and completions), the preview and the diff run under the CSP', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(120_000);
  const violations = await watchCsp(page);
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await signInAs('editor');

  // The editor: Monaco renders, highlights, marks an undeclared name, and the preview answers.
  const editor = new EditorPage(page);
  const id = `e2e-csp-${randomBytes(4).toString('hex')}`;
  await editor.create(id, 'CSP check');
  await editor.typeAtEnd('user', 'Hello {{ who }}');
  await expect(editor.errorMarkers('user')).toHaveCount(1);
  await editor.addVariable('who');
  await expect(editor.errorMarkers('user')).toHaveCount(0);
  await editor.sample('who').fill('Ada');
  await expect(editor.previewMessages()).toHaveText(['Hello Ada']);
  // Monaco's own styles took effect: the editor has its font metrics and a visible cursor layer.
  await expect(editor.template('user').locator('.monaco-editor .cursors-layer')).toHaveCount(1);
  expect(workers.length, 'Monaco started its editor worker').toBeGreaterThan(0);
  expect(await violations()).toEqual([]);

  // The diff editor, on the History tab.
  const list = new PromptsListPage(page);
  const suffix = randomBytes(4).toString('hex');
  const p = { id: `e2e-csp-diff-${suffix}`, name: `CSP diff ${suffix}`, tag: `csp-${suffix}` };
  await list.goto();
  await list.importText(promptDocument({ ...p, user: 'Before' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);
  await list.importText(promptDocument({ ...p, user: 'After' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v2.`);
  await list.closeImport();
  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  await expect(history.diffSide('original')).toContainText('Before');
  await expect(history.diffSide('modified')).toContainText('After');
  await expect(history.diff().locator('.char-insert, .line-insert').first()).toBeVisible();
  expect(await violations()).toEqual([]);
});
