// Opens, migrates and seeds the database when the server boots (Node runtime only).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./lib/server/boot');
}
