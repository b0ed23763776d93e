// `npm test`: the whole suite in one command: static checks, unit and integration tests (real
// PostgreSQL, TEST_DATABASE_URL), then Playwright e2e in Chromium against the production build.
// Ends with one summary line: "Total: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'test-results');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CI: process.env.CI ?? '1' };
const skipE2e = process.argv.includes('--no-e2e');

function run(title, command, args) {
  console.log(`\n━━ ${title} ━━`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: 'inherit' });
  console.log(
    `━━ ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return result.status === 0;
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const npx = 'npx';
const results = [];

results.push(run('Checks (lint, types, format, migrations)', 'npm', ['run', 'check']));
results.push(
  run('Unit and integration tests (Vitest)', npx, [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${path.join(OUT, 'vitest.json')}`,
  ]),
);
if (!skipE2e) results.push(run('End-to-end tests (Playwright, Chromium)', npx, ['playwright', 'test']));
// The e2e run built the app: check its bundle budget on that build.
if (!skipE2e)
  results.push(
    run('Bundle budget (/prompts first-load JS, Monaco lazy)', 'node', ['scripts/bundle-budget.mjs']),
  );

const vitest = readJson(path.join(OUT, 'vitest.json'));
const e2e = readJson(path.join(OUT, 'e2e.json'));
const passed = (vitest?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0);
const failed = (vitest?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0) + (e2e?.stats?.flaky ?? 0);
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);

console.log(`\nVitest: ${vitest?.numPassedTests ?? 0} passed, ${vitest?.numFailedTests ?? 0} failed`);
if (!skipE2e)
  console.log(
    `Playwright: ${e2e?.stats?.expected ?? 0} passed, ${(e2e?.stats?.unexpected ?? 0) + (e2e?.stats?.flaky ?? 0)} failed`,
  );
const ok = results.every(Boolean) && failed === 0 && passed > 0;
console.log(`Total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
