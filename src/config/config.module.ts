import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import { validateEnv } from 'src/config/env.schema';

@Global()
@Module({})
export class AppConfigModule {
  /** Called per app instance so the environment is read when the app is built, not when this file is imported. */
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({ validate: validateEnv, cache: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
      ],
      providers: [AppConfig, AppRole],
      exports: [AppConfig, AppRole],
    };
  }
}
