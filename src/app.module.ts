import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';

import { AccessModule } from 'src/access/access.module';
import { AnalyticsModule } from 'src/analytics/analytics.module';
import { ChatEngineModule } from 'src/chat/chat-engine.module';
import { CommonModule } from 'src/common/common.module';
import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
import { loggerParams, prettyLogs, rootLogger } from 'src/common/logging';
import { AppConfig } from 'src/config/app-config.service';
import { AppConfigModule } from 'src/config/config.module';
import { validateEnv } from 'src/config/env.schema';
import { CrmModule } from 'src/crm/crm.module';
import { DatabaseModule } from 'src/database/database.module';
import type { EmbeddedPostgresMode } from 'src/database/embedded-postgres';
import { ExperimentsModule } from 'src/experiments/experiments.module';
import { HandoffModule } from 'src/handoff/handoff.module';
import { HealthModule } from 'src/health/health.module';
import { RagModule } from 'src/rag/rag.module';
import { RedisInfraModule } from 'src/redis/redis-infra.module';
import { SessionModule } from 'src/session/session.module';
import { SimulationModule } from 'src/simulation/simulation.module';
import { TenantModule } from 'src/tenant/tenant.module';
import { VoiceModule } from 'src/voice/voice.module';

@Module({})
export class AppModule {
  /**
   * Built per call (not at import) so each app instance, including the several a test may boot,
   * reads and validates the environment as it is at that moment.
   */
  static forRoot(options: { embeddedPostgres?: EmbeddedPostgresMode } = {}): DynamicModule {
    const env = validateEnv(process.env);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) =>
            loggerParams(rootLogger(c.get('LOG_LEVEL'), prettyLogs(c.get('NODE_ENV'), process.stdout.isTTY === true))),
        }),
        CommonModule,
        DatabaseModule.forRoot(options.embeddedPostgres ?? 'own'),
        RedisInfraModule.forRoot(env.REDIS_URL),
        HealthModule,
        // Express matches routes in registration order, which follows this list: the hot /chat routes go first
        // so a chat request is not tested against every admin route's pattern before reaching its own.
        ChatEngineModule,
        TenantModule,
        SessionModule,
        AnalyticsModule,
        ExperimentsModule,
        RagModule,
        CrmModule,
        HandoffModule,
        SimulationModule,
        VoiceModule,
        AccessModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
