import 'server-only';
import { getEnv } from '../env';
import { isServedOverHttps, securityHeaders } from '../http/security-headers';

// The proxy (proxy.ts) skips the runtime API (/api/v1, /api/public): its per-request cost, about
// 1.2 ms on these machines, was more than a third of what the studio adds to an LLM call. So the
// API's routes put the same headers on their answers themselves, through this wrapper.

type Handler<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>;

/** The two header sets (over HTTPS or not), built once: this runs on every API answer. */
const headerSets = new Map<boolean, [string, string][]>();

function apiHeaders(isHttps: boolean): [string, string][] {
  let set = headerSets.get(isHttps);
  if (!set) {
    const isDevelopment = getEnv().NODE_ENV === 'development';
    set = Object.entries(securityHeaders({ kind: 'api', isHttps, isDevelopment }));
    headerSets.set(isHttps, set);
  }
  return set;
}

export function withSecurityHeaders<A extends unknown[]>(
  handler: Handler<A>,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    const response = await handler(request, ...rest);
    const isHttps = isServedOverHttps(request, getEnv().NEXTAUTH_URL);
    for (const [name, value] of apiHeaders(isHttps)) response.headers.set(name, value);
    return response;
  };
}
