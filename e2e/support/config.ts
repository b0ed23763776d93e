/** Where the e2e studio runs and which database it owns (recreated at every run). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const E2E_DATABASE_URL = (() => {
  const u = new URL(SERVER_URL);
  u.pathname = `/loom_e2e_${E2E_PORT}`;
  return u.toString();
})();
export const E2E_ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };
