/**
 * Whether an error means "the database cannot be reached right now" (stopped, restarting, refusing connections,
 * connection cut), as opposed to a bug or a bad statement. Such a request may be retried once the database is back,
 * so the API answers 503 UNAVAILABLE with Retry-After instead of 500 INTERNAL.
 */

/** Socket-level failures of the driver (Node's `err.code`). */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, shutting down, recovering), 53300 too_many_connections.
 */
function isUnavailableSqlState(state: string): boolean {
  return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03' || state === '53300';
}

/** What node-postgres and its pool say when a connection dies or cannot be had in time. */
const driverMessages = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Client has encountered a connection error/,
  /the database system is (starting up|shutting down|in recovery mode)/,
];

interface Inspectable {
  code?: unknown;
  sqlState?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Walks `cause` chains and AggregateError members (a refused connection to `localhost` tries several addresses). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 8) return false;
  const e = error as Inspectable;
  for (const code of [e.code, e.sqlState]) {
    if (typeof code !== 'string') continue;
    if (socketCodes.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return true;
  }
  if (e.name === 'ConnectionException') return true; // MikroORM's wrapper for class-08 errors
  if (typeof e.message === 'string' && driverMessages.some((re) => re.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/** Seconds a client should wait before retrying a request refused because the database is unavailable. */
export const RETRY_AFTER_SECONDS = 2;
