import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * For statements a chat turn runs: a named prepared statement on the pg pool, so each pooled connection parses it
 * once (and Postgres can settle on a cached plan) instead of per turn, and TypeORM's query building and per-query
 * runner, which showed up in profiles, are skipped. Inside a caller's transaction it goes through that EntityManager.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  statement: { name: string; text: string },
  values: unknown[],
  em?: EntityManager,
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool | undefined;
  if (em || !pool) return (await (em ?? dataSource.manager).query(statement.text, values)) as T[];
  return (await pool.query<T & object>({ name: statement.name, text: statement.text, values })).rows;
}
