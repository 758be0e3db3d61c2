import { DataSource } from 'typeorm';

import { dataSourceOptions } from 'src/database/data-source.options';
import { loadEmbeddedPostgres } from 'src/database/embedded-postgres.loader';

/**
 * Held (a Postgres session advisory lock) while migrations run, so two runners started together (a re-tried Job, or
 * replicas still set to MIGRATIONS_RUN=true) apply each migration once: the second waits, then finds nothing to do.
 */
const MIGRATION_LOCK_KEY = 1764103000;

/** The schema this code needs is not there: raised at start-up with MIGRATIONS_RUN=false. */
export class SchemaOutdatedError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `The database schema is older than this release: ${missing.length} migration(s) not applied: ${missing.join(', ')}. ` +
        'Run the migrations first (`npm run migrate`, or `node dist/src/migrate.js` in the image, e.g. as the deploy Job), ' +
        'or start with MIGRATIONS_RUN=true.',
    );
    this.name = 'SchemaOutdatedError';
  }
}

const nameOf = (migration: { name?: string; constructor: { name: string } }) =>
  migration.name ?? migration.constructor.name;

/** Names of this release's migrations (migrations/index.ts) the database has not recorded, in order. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const table = ds.options.migrationsTableName ?? 'migrations';
  const [{ present }] = (await ds.query('SELECT to_regclass($1) IS NOT NULL AS present', [table])) as [
    { present: boolean },
  ];
  const applied = new Set<string>(
    present ? ((await ds.query(`SELECT name FROM "${table}"`)) as { name: string }[]).map((r) => r.name) : [],
  );
  return ds.migrations.map(nameOf).filter((name) => !applied.has(name));
}

/** Refuses to go on with a schema older than the code; a newer one (a rollout in progress) is fine. */
export async function assertSchemaCurrent(ds: DataSource): Promise<void> {
  const missing = await pendingMigrations(ds);
  if (missing.length) throw new SchemaOutdatedError(missing);
}

/** Applies pending migrations, each in its own transaction, under the migration lock; returns the names applied. */
export async function runMigrationsOnce(ds: DataSource): Promise<string[]> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** `npm run migrate` / `node dist/src/migrate.js`: exit 0 when the schema is current, 2 when `--check` finds it is not. */
export const MIGRATE_OUTDATED_EXIT_CODE = 2;

/**
 * The migration command, as a deploy Job runs it: applies pending migrations (or with `--check` only lists them), one
 * line per migration, and returns the exit code. Failures throw, for the caller to print as one line with exit 1.
 */
export async function migrateCommand(
  args: string[],
  env: { DATABASE_URL?: string; DATA_DIR: string; EMBEDDED_PG_PORT: number },
  print: (line: string) => void,
): Promise<number> {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]} (the only option is --check)`);
  const embedded = env.DATABASE_URL
    ? undefined
    : new (await loadEmbeddedPostgres()).EmbeddedPostgresServer(env.DATA_DIR, env.EMBEDDED_PG_PORT, 'attach');
  const url = env.DATABASE_URL ?? (await embedded!.start());
  const ds = new DataSource(dataSourceOptions(url));
  try {
    await ds.initialize();
    if (args.includes('--check')) {
      const missing = await pendingMigrations(ds);
      for (const name of missing) print(`Pending: ${name}`);
      print(missing.length ? `${missing.length} migration(s) pending.` : 'Database is up to date.');
      return missing.length ? MIGRATE_OUTDATED_EXIT_CODE : 0;
    }
    const applied = await runMigrationsOnce(ds);
    for (const name of applied) print(`Applied: ${name}`);
    print(`Database is up to date (${ds.migrations.length} migrations, ${applied.length} applied now).`);
    return 0;
  } finally {
    await ds.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}
