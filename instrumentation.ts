// Opens, migrates and seeds the database when the server boots, so a broken database stops the
// start with one clear line instead of failing the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDatabase } = await import('./lib/server/db');
  try {
    const db = await getDatabase();
    console.log(`[loom] database ready (${db.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL'} at ${db.location})`);
  } catch (error) {
    console.error(`[loom] ${(error as Error).message}`);
    process.exit(1);
  }
}
