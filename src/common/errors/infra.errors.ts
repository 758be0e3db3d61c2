import { QueryFailedError } from 'typeorm';

import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors, type RegisteredErrorSpec } from 'src/common/errors/error-catalogue';

/** The platform's own dependencies failing, whatever the route: answered 503 with Retry-After. */
export const InfraErrorCatalogue = defineErrors({
  DATABASE_UNAVAILABLE: {
    code: 'INFRA.DATABASE_UNAVAILABLE',
    kind: 'UNAVAILABLE',
    meaning: 'PostgreSQL is not answering; nothing was written. Retry after `Retry-After` seconds.',
  },
  REDIS_UNAVAILABLE: {
    code: 'INFRA.REDIS_UNAVAILABLE',
    kind: 'UNAVAILABLE',
    meaning:
      'Redis (sessions, locks, limits) is not answering; nothing was written. Retry after `Retry-After` seconds.',
  },
});

export const InfraErrorCode = codesOf(InfraErrorCatalogue);

export type InfraDependency = 'database' | 'redis';

/** Long enough for a restart or failover to finish, short enough that widgets retry promptly. */
export const INFRA_RETRY_AFTER_SECONDS = 5;

const unavailable = (spec: RegisteredErrorSpec, message: string) =>
  new AppError(spec, message, { retryAfterSeconds: INFRA_RETRY_AFTER_SECONDS });

export const InfraErrors = {
  databaseUnavailable: () =>
    unavailable(InfraErrorCatalogue.DATABASE_UNAVAILABLE, 'The database is unavailable; please retry shortly'),
  redisUnavailable: () =>
    unavailable(InfraErrorCatalogue.REDIS_UNAVAILABLE, 'The session store is unavailable; please retry shortly'),
};

/**
 * SQLSTATEs meaning the server is gone or refusing work, not that the statement was wrong: class 08 (connection
 * exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now: starting up or shutting down) and
 * 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** pg and pg-pool report a lost or unobtainable connection with plain Errors carrying these messages. */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

/**
 * ioredis rejects commands with plain Errors while the server is unreachable: after `maxRetriesPerRequest`
 * reconnection attempts, on a closed connection, with the offline queue disabled, or past `commandTimeout`.
 */
const REDIS_MESSAGES = [
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Command timed out$/,
  /^Ready check failed/,
];

/**
 * Socket-level failures on an open or opening connection. ioredis never hands these to command callers (it reports
 * the messages above instead) and HTTP clients wrap them (fetch's TypeError with a `cause`, CrmCallError), so a bare
 * one reaching here is pg's. DNS failures are left out: the crawler's URL checks raise those.
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const SOCKET_SYSCALLS = new Set(['connect', 'read', 'write']);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  severity?: unknown;
  syscall?: unknown;
}

/** Which infrastructure dependency an error says is unreachable, or null for any other error. */
export function unavailableDependencyOf(err: unknown): InfraDependency | null {
  if (!err || typeof err !== 'object') return null;
  if (err instanceof AppError) return null;
  if (err instanceof QueryFailedError) return unavailableDependencyOf(err.driverError);
  const e = err as ErrorShape;
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (e.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((re) => re.test(message))) return 'redis';
  // A pg DatabaseError carries `severity`; its SQLSTATE says whether the server, not the statement, failed.
  if (typeof e.severity === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code))) return 'database';
  if (PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return 'database';
  if (SOCKET_CODES.has(code) && typeof e.syscall === 'string' && SOCKET_SYSCALLS.has(e.syscall)) return 'database';
  return null;
}

/** The coded 503 for an infrastructure outage, or null when the error is something else. */
export function toUnavailableError(err: unknown): AppError | null {
  switch (unavailableDependencyOf(err)) {
    case 'database':
      return InfraErrors.databaseUnavailable();
    case 'redis':
      return InfraErrors.redisUnavailable();
    case null:
      return null;
  }
}

/** True for the coded 503s above: code paths that degrade gracefully on other failures must let these through. */
export function isUnavailableError(err: unknown): err is AppError {
  return err instanceof AppError && (Object.values(InfraErrorCode) as string[]).includes(err.code);
}
