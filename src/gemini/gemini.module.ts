import { Module } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy } from 'src/gemini/gemini-policy';

/**
 * The Gemini client and its resilience policy, one of each per app: chat, embeddings, re-ranking and Live import
 * this module and share them (Nest builds a module's providers once, whoever imports it).
 */
@Module({
  providers: [
    {
      provide: GeminiClient,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new GeminiClient({ apiKey: config.get('GEMINI_API_KEY'), baseUrl: config.get('GEMINI_BASE_URL') }),
    },
    {
      provide: GeminiPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new GeminiPolicy({
          breakerThreshold: config.get('GEMINI_BREAKER_THRESHOLD'),
          breakerHalfOpenAfterMs: config.get('GEMINI_BREAKER_HALF_OPEN_MS'),
        }),
    },
  ],
  exports: [GeminiClient, GeminiPolicy],
})
export class GeminiModule {}
