import 'server-only';

/**
 * Signing an account out everywhere. Each session token carries the account's `sessionsValidFrom`
 * as it was read together with the password hash at sign-in; the session is current while that
 * still equals the stored value. Equality rather than "signed in after": a sign-in that checked
 * the old password just before a change still loses, and no two servers' clocks need agree.
 * Tokens from before this existed carry no stamp and count as the epoch, the value the migration
 * gave existing accounts, so deploying it signed nobody out.
 */
export function isSessionCurrent(tokenStamp: number | undefined, accountStamp: Date): boolean {
  return (tokenStamp ?? 0) === accountStamp.getTime();
}

/** A stamp unlike every earlier one, even when this server's clock runs behind the last writer's. */
export function nextSessionStamp(previous: Date, now = new Date()): Date {
  return new Date(Math.max(now.getTime(), previous.getTime() + 1));
}
