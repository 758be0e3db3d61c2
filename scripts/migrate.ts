import 'reflect-metadata';

import { DataSource } from 'typeorm';

import { validateEnv } from 'src/config/env.schema';
import { dataSourceOptions } from 'src/database/data-source.options';
import { loadEmbeddedPostgres } from 'src/database/embedded-postgres.loader';

import { runCli } from './support/cli';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded server under DATA_DIR. */
async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const embedded = env.DATABASE_URL
    ? undefined
    : new (await loadEmbeddedPostgres()).EmbeddedPostgresServer(env.DATA_DIR, env.EMBEDDED_PG_PORT, 'attach');
  const url = env.DATABASE_URL ?? (await embedded!.start());
  const ds = new DataSource(dataSourceOptions(url));
  try {
    await ds.initialize();
    const applied = await ds.runMigrations({ transaction: 'each' });
    console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date.');
  } finally {
    await ds.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

runCli('Migration', main);
