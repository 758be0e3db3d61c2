import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';

import { AppConfig } from 'src/config/app-config.service';
import { dataSourceOptions } from 'src/database/data-source.options';
import { DatabaseUrlProvider, EmbeddedPostgresOptions } from 'src/database/database-url.provider';
import type { EmbeddedPostgresMode } from 'src/database/embedded-postgres';
import { assertSchemaCurrent, runMigrationsOnce, SchemaOutdatedError } from 'src/database/schema-migrations';

@Global()
@Module({})
export class DatabaseModule {
  /** `mode` matters only without DATABASE_URL: servers own the embedded database, CLIs attach to a running one. */
  static forRoot(mode: EmbeddedPostgresMode): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          extraProviders: [
            DatabaseUrlProvider,
            { provide: EmbeddedPostgresOptions, useValue: new EmbeddedPostgresOptions(mode) },
          ],
          inject: [DatabaseUrlProvider, AppConfig],
          useFactory: async (urls: DatabaseUrlProvider, config: AppConfig) => ({
            ...dataSourceOptions(await urls.resolve()),
            autoLoadEntities: true,
            // Read by connect() below, which runs them itself (under a lock) instead of letting TypeORM do it.
            migrationsRun: config.get('MIGRATIONS_RUN'),
            // Fail start-up rather than retry for a minute: a wrong DATABASE_URL should be obvious.
            retryAttempts: 2,
            retryDelay: 1000,
            // An old schema does not get younger by retrying.
            toRetry: (err: unknown) => !(err instanceof SchemaOutdatedError),
          }),
          dataSourceFactory: (options) => connect(options!),
        }),
      ],
    };
  }
}

/**
 * Opens the pool before any module uses it, then either applies pending migrations (MIGRATIONS_RUN=true, the
 * single-instance default) or, where a deploy Job migrates once (MIGRATIONS_RUN=false), checks that it did.
 */
async function connect(options: DataSourceOptions): Promise<DataSource> {
  const ds = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    if (options.migrationsRun) await runMigrationsOnce(ds);
    else await assertSchemaCurrent(ds);
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
  return ds;
}
