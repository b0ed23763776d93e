// Gives an account a new generated password and lifts any sign-in pause, from the machine the
// studio runs on: the way back in when the only admin's password is lost.
// Usage: npm run user:reset-password -- <email>
// Uses the same database as the studio (DATABASE_URL, or the embedded one in LOOM_DATA_DIR, which
// only one process may open: stop the studio first).
import { isLoomError } from '@/lib/loom/core';
import { resetPassword } from '@/lib/server/auth/account';
import { getDatabase } from '@/lib/server/db';

const email = process.argv[2];
if (!email || process.argv.length > 3) {
  console.error('Usage: npm run user:reset-password -- <email>');
  process.exit(2);
}

try {
  const db = await getDatabase();
  try {
    const password = await resetPassword(db.prisma, email);
    console.log(`New password for ${email.trim().toLowerCase()}: ${password}`);
    console.log('It is shown only now. Sign in with it and choose your own under Account.');
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(`✖ ${isLoomError(error) || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
