import 'server-only';
import { getEnv } from '../env';
import { isServedOverHttps, securityHeaders } from '../http/security-headers';

// The proxy (proxy.ts) skips the runtime API (/api/v1, /api/public): its per-request cost, about
// 1.2 ms on these machines, was more than a third of what the studio adds to an LLM call. So the
// API's routes put the same headers on their answers themselves, through this wrapper.

type Handler<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>;

export function withSecurityHeaders<A extends unknown[]>(
  handler: Handler<A>,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    const response = await handler(request, ...rest);
    const env = getEnv();
    const headers = securityHeaders({
      kind: 'api',
      isHttps: isServedOverHttps(request, env.NEXTAUTH_URL),
      isDevelopment: env.NODE_ENV === 'development',
    });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };
}
