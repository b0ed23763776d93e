import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/server/auth/options';

// Public by design: this is where sign-in happens.
function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(getAuthOptions())(req, ctx);
}

export { handler as GET, handler as POST };
