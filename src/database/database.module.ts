import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { dataSourceOptions } from 'src/database/data-source.options';
import { DatabaseUrlProvider, EmbeddedPostgresOptions } from 'src/database/database-url.provider';
import type { EmbeddedPostgresMode } from 'src/database/embedded-postgres';

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
          inject: [DatabaseUrlProvider],
          useFactory: async (urls: DatabaseUrlProvider) => ({
            ...dataSourceOptions(await urls.resolve()),
            autoLoadEntities: true,
            migrationsRun: true,
            // Fail start-up rather than retry for a minute: a wrong DATABASE_URL should be obvious.
            retryAttempts: 2,
            retryDelay: 1000,
          }),
        }),
      ],
    };
  }
}
