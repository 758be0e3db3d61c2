import { randomBytes } from 'node:crypto';

const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BASE_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * Jest's worker number, 1 under --runInBand. The suites run in two workers; each has its own database (`test`,
 * `test_w2`, …), Redis database (0, 1, …) and key prefix, so suites running at the same time never share outbox
 * rows, job queues or pub/sub notices, as two separate runs would not. A DATABASE_URL or REDIS_URL set in the shell
 * is used as it is, by every worker: run such a session with --runInBand.
 */
function jestWorker(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.JEST_WORKER_ID ?? 1) || 1;
}

function workerDatabaseUrl(base: string, worker: number): string {
  if (worker === 1) return base;
  const url = new URL(base);
  url.pathname = `${url.pathname}_w${worker}`;
  return url.toString();
}

function workerRedisUrl(base: string, worker: number): string {
  if (worker === 1) return base;
  const url = new URL(base);
  url.pathname = `/${Number(url.pathname.slice(1) || 0) + worker - 1}`;
  return url.toString();
}

/** This worker's Redis (see jestWorker); its database is suiteDatabaseUrl(). */
export const TEST_REDIS_URL = workerRedisUrl(BASE_REDIS_URL, jestWorker());
/**
 * The apps under test use this namespace; a raw client given it as `keyPrefix` sees the keys they see. One per test
 * run and worker (the run's part is kept in the environment so every file and child process of the run shares it):
 * pub/sub ignores database numbers, so two runs, or two workers, on one Redis would otherwise hear each other's
 * cache invalidations.
 */
export const TEST_REDIS_KEY_PREFIX = `concierge-test:${(process.env.CONCIERGE_TEST_RUN ??= randomBytes(4).toString('hex'))}:w${jestWorker()}:`;
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

/**
 * The database the suites really connect to: a DATABASE_URL in the shell wins over TEST_DATABASE_URL
 * (test/support/env.ts keeps it), so that is the one the guard must check, not the default.
 */
export function suiteDatabaseUrl(env: NodeJS.ProcessEnv = process.env, worker = jestWorker(env)): string {
  return env.DATABASE_URL || workerDatabaseUrl(BASE_DATABASE_URL, worker);
}

export function suiteRedisUrl(env: NodeJS.ProcessEnv = process.env, worker = jestWorker(env)): string {
  return env.REDIS_URL || workerRedisUrl(BASE_REDIS_URL, worker);
}

/** The suites create and delete tenants freely: refuse any database whose name does not say it is for tests. */
export function assertTestDatabase(url: string): void {
  let name: string;
  try {
    name = decodeURIComponent(new URL(url).pathname.slice(1));
  } catch {
    throw new Error('Refusing to run e2e tests: the database URL cannot be parsed');
  }
  if (!name.includes('test')) {
    throw new Error(
      `Refusing to run e2e tests against database "${name}": its name must contain "test" (unset DATABASE_URL or use TEST_DATABASE_URL)`,
    );
  }
}
