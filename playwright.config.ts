import { defineConfig, devices } from '@playwright/test';
import { E2E_ADMIN, E2E_BASE_URL, E2E_DATABASE_URL, E2E_PORT } from './e2e/support/config';

/** Tests that measure timing (their titles say so). */
const LATENCY = /stays within \d+ ms/;

// Runs against the production build on the real PostgreSQL server, in Debian's Chromium.
export default defineConfig({
  testDir: './e2e',
  outputDir: 'test-results/playwright',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined }, grepInvert: LATENCY },
    // Timing runs last and alone, so other tests' browsers and requests do not share the two cores.
    {
      name: 'latency',
      use: { ...devices['Desktop Chrome'], channel: undefined },
      grep: LATENCY,
      dependencies: ['chromium'],
    },
  ],
  webServer: {
    command: 'node scripts/e2e-server.mjs',
    url: `${E2E_BASE_URL}/api/health`,
    timeout: 420_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: {
      PORT: String(E2E_PORT),
      DATABASE_URL: E2E_DATABASE_URL,
      NEXTAUTH_SECRET: 'e2e-secret-that-is-long-enough-for-production-use',
      LOOM_ADMIN_EMAIL: E2E_ADMIN.email,
      LOOM_ADMIN_PASSWORD: E2E_ADMIN.password,
      // Webhook receivers of the tests listen on 127.0.0.2 (e2e/support/webhook-receiver.ts); other
      // specs check that 127.0.0.1 (anything but the simulator) stays refused, so only .2 is allowed.
      LOOM_PROVIDER_ALLOWLIST: '127.0.0.2',
      // The experiments spec drives a few thousand requests a minute through one key with the
      // traffic simulator; the default (600 a minute) would refuse most of them. The limiter itself
      // is tested in scale.spec.ts on an instance of its own.
      LOOM_API_RATE_LIMIT: '20000',
    },
  },
});
