import { join } from 'node:path';

import Redis from 'ioredis';
import { Client } from 'pg';
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
 * never a skip) and applies the migrations, in the database of every Jest worker (see suiteDatabaseUrl). Refuses any
 * database whose name does not contain "test", checking the URL the suites will really use (a DATABASE_URL in the
 * shell included).
 */
export default async function globalSetup(globalConfig: { maxWorkers: number } = { maxWorkers: 1 }): Promise<void> {
  // The same URLs test/support/env.ts hands each worker's suites, so the guard and the migrations see their databases.
  const workers = Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, (_, i) => ({
    url: suiteDatabaseUrl(process.env, i + 1),
    redisUrl: suiteRedisUrl(process.env, i + 1),
  }));
  for (const { url } of workers) assertTestDatabase(url);
  // The browser bundles the app serves (web-build/), from the current sources: esbuild takes well under a second.
  await buildWeb();
  for (const { url, redisUrl } of workers) await prepare(url, redisUrl);
}

async function prepare(url: string, redisUrl: string): Promise<void> {
  await createIfMissing(url);
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

/** A second worker's database (`test_w2`) is created on first use, from the server's `postgres` database. */
async function createIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch {
    // No maintenance database to reach: the connection below reports the real problem.
    return;
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
