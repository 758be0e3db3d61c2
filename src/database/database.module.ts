import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseUrlProvider } from 'src/database/database-url.provider';
import { dataSourceOptions } from 'src/database/data-source.options';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      extraProviders: [DatabaseUrlProvider],
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
})
export class DatabaseModule {}
