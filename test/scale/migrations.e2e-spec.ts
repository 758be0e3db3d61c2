import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { DataSource } from 'typeorm';

import { migrations } from 'migrations';
import { dataSourceOptions } from 'src/database/data-source.options';
import { SchemaOutdatedError } from 'src/database/schema-migrations';
import { bootTestApp } from 'test/support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const LATEST = migrations[migrations.length - 1].name;

/** `npm run migrate [args]` against `url`, as a deploy Job runs it: the exit code and everything it printed. */
const migrate = (url: string, ...args: string[]) =>
  run(process.execPath, [TS_NODE, join(ROOT, 'scripts', 'migrate.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

describe('Migrations once per deploy: npm run migrate, and MIGRATIONS_RUN=false checking the schema', () => {
  const admin = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
  const created: string[] = [];

  /** A fresh database next to the suite's (its name keeps "test"), with the first `applied` migrations run. */
  async function databaseWith(applied: number): Promise<string> {
    const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_mig_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    created.push(name);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    if (applied) {
      const ds = new DataSource({ ...dataSourceOptions(url.toString()), migrations: migrations.slice(0, applied) });
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      await ds.destroy();
    }
    return url.toString();
  }

  beforeAll(() => admin.initialize());
  afterAll(async () => {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.destroy();
  });

  it('refuses to start on a schema missing a migration, naming it, and starts once the Job has run', async () => {
    const url = await databaseWith(migrations.length - 1);
    const refused = bootTestApp({ DATABASE_URL: url, MIGRATIONS_RUN: 'false' });
    await expect(refused).rejects.toBeInstanceOf(SchemaOutdatedError);
    await expect(refused).rejects.toThrow(
      `The database schema is older than this release: 1 migration(s) not applied: ${LATEST}.`,
    );

    const check = await migrate(url, '--check');
    expect(check).toEqual({ code: 2, out: `Pending: ${LATEST}\n1 migration(s) pending.\n` });

    const job = await migrate(url);
    expect(job).toEqual({
      code: 0,
      out: `Applied: ${LATEST}\nDatabase is up to date (${migrations.length} migrations, 1 applied now).\n`,
    });
    const again = await migrate(url);
    expect(again).toEqual({
      code: 0,
      out: `Database is up to date (${migrations.length} migrations, 0 applied now).\n`,
    });
    expect(await migrate(url, '--check')).toEqual({ code: 0, out: 'Database is up to date.\n' });

    const t = await bootTestApp({ DATABASE_URL: url, MIGRATIONS_RUN: 'false' });
    try {
      await t.http.get('/health/ready').expect(200);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('names every missing migration of an empty database and never creates its tables', async () => {
    const url = await databaseWith(0);
    await expect(bootTestApp({ DATABASE_URL: url, MIGRATIONS_RUN: 'false' })).rejects.toThrow(
      `${migrations.length} migration(s) not applied: ${migrations.map((m) => m.name).join(', ')}.`,
    );
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    const tables = (await ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)) as [
      { n: number },
    ];
    await ds.destroy();
    expect(tables[0].n).toBe(0);
  });

  it('applies each migration once when two runners start together (two Job pods, or two MIGRATIONS_RUN=true replicas)', async () => {
    const url = await databaseWith(0);
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const applied = [a, b].map((r) => (r.out.match(/^Applied: /gm) ?? []).length);
    expect(applied.sort()).toEqual([0, migrations.length]);
    const t = await bootTestApp({ DATABASE_URL: url, MIGRATIONS_RUN: 'false' });
    await t.close();
  }, 120_000);

  it('ends an unreachable database with exit code 1 and one line, no stack trace', async () => {
    const result = await migrate('postgres://postgres@127.0.0.1:1/test_unreachable');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^Migration failed: .*127\.0\.0\.1:1/);
    expect(result.out.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
