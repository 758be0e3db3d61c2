import type { DataSourceOptions } from 'typeorm';

import { migrations } from 'migrations';
import { SqlSafeTypeOrmLogger } from 'src/database/sql-safe.typeorm-logger';

/** Shared by the app, `npm run migrate` and the test global setup so all three run the same migrations. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: ['error'],
    logger: new SqlSafeTypeOrmLogger(),
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}
