import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from 'src/config/app-config.service';
import { validateEnv } from 'src/config/env.schema';

@Global()
@Module({
  imports: [ConfigModule.forRoot({ validate: validateEnv, cache: true, ignoreEnvFile: process.env.NODE_ENV === 'test' })],
  providers: [AppConfig],
  exports: [AppConfig],
})
export class AppConfigModule {}
