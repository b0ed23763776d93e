import 'server-only';

/** next-auth's session cookie over http and over https (`__Secure-` needs a secure origin). */
export const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'] as const;
