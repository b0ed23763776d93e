import 'next-auth';

// `sessionsValidFrom`: the account's stamp at sign-in, in epoch milliseconds (lib/server/auth/session-stamp.ts).
declare module 'next-auth' {
  interface Session {
    user?: { id?: string; name?: string | null; email?: string | null; image?: string | null };
    sessionsValidFrom?: number;
  }
  interface User {
    sessionsValidFrom?: number;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    sessionsValidFrom?: number;
  }
}
