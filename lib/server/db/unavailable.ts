import 'server-only';

/** What a user sees while the database cannot be reached; the pool reconnects on its own. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; try again shortly.';

/** Socket failures (node), as pg reports them when it cannot reach or loses the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** Prisma's codes for an unreachable server, a dropped connection, and pool or connection exhaustion. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** SQLSTATE: connection exceptions (class 08), shutdown and start-up (57P01-57P03), too many connections. */
const SQLSTATE = /^(?:08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** @prisma/driver-adapter-utils error kinds for the same situations. */
const DRIVER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** pg raises these without a code. */
const PG_MESSAGES =
  /^(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * True when `error` (or one of its causes) says the database cannot be reached right now, as opposed
 * to a query that is wrong: the request may be retried once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { name, code, kind, message } = current as Record<string, unknown>;
    if (name === 'DatabaseOpenError') return true;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || SQLSTATE.test(code)))
      return true;
    if (typeof kind === 'string' && DRIVER_KINDS.has(kind)) return true;
    if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
