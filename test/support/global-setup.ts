import { join } from 'node:path';

import Redis from 'ioredis';
import { register } from 'tsconfig-paths';
import { DataSource } from 'typeorm';

// Global setup runs outside Jest's module mapper, so the tsconfig path aliases are registered by hand.
register({
  baseUrl: join(__dirname, '..', '..'),
  paths: { 'src/*': ['src/*'], 'test/*': ['test/*'], 'scripts/*': ['scripts/*'], migrations: ['migrations/index'] },
});
const { dataSourceOptions } =
  require('src/database/data-source.options') as typeof import('src/database/data-source.options');
const { assertTestDatabase, suiteDatabaseUrl, suiteRedisUrl } =
  require('test/support/services') as typeof import('test/support/services');
const { buildWeb } = require('scripts/build-web') as typeof import('scripts/build-web');

/**
 * Runs once before the e2e suites: proves Postgres and Redis are reachable (a missing service is a failure,
 * never a skip) and applies the migrations. Refuses any database whose name does not contain "test", checking the
 * URL the suites will really use (a DATABASE_URL in the shell included).
 */
export default async function globalSetup(): Promise<void> {
  // The same URLs test/support/env.ts hands the suites, so the guard and the migrations see their database.
  const url = suiteDatabaseUrl();
  const redisUrl = suiteRedisUrl();
  assertTestDatabase(url);
  // The browser bundles the app serves (web-build/), from the current sources: esbuild takes well under a second.
  await buildWeb();
  const ds = new DataSource(dataSourceOptions(url));
  try {
    await ds.initialize();
  } catch (err) {
    throw new Error(`e2e tests need PostgreSQL at ${url}: ${(err as Error).message}`);
  }
  await ds.runMigrations({ transaction: 'each' });
  // Outbox items an earlier run left due (its fake CRMs are gone) would be claimed by this run's workers before the
  // items of the suite under test; they can never be delivered, so they are closed as failed.
  await ds.query(
    `UPDATE crm_outbox SET status = 'failed', locked_until = NULL, last_error = 'left by an earlier test run'
     WHERE status IN ('pending', 'processing')`,
  );
  await ds.destroy();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`e2e tests need Redis at ${redisUrl}: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
