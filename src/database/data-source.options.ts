import type { DataSourceOptions } from 'typeorm';
import { migrations } from 'migrations';

/** Shared by the app, `npm run migrate` and the test global setup so all three run the same migrations. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}
