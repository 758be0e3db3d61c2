import { Module } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { GeminiModule } from 'src/gemini/gemini.module';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy } from 'src/gemini/gemini-policy';
import { GeminiIntentClassifier } from 'src/understanding/gemini-intent.classifier';
import { IntentClassifier } from 'src/understanding/intent-classifier.port';
import { OfflineIntentClassifier } from 'src/understanding/offline-intent.classifier';
import { SentimentAnalyzer } from 'src/understanding/sentiment.analyzer';
import { UnderstandingService } from 'src/understanding/understanding.service';

/**
 * What each user message means: intent (offline nearest-example classifier, or Gemini structured output falling
 * back to it) and sentiment. Chat and voice use UnderstandingService and build the turn context from its reading.
 */
@Module({
  imports: [GeminiModule],
  providers: [
    SentimentAnalyzer,
    {
      provide: IntentClassifier,
      inject: [AppConfig, GeminiClient, GeminiPolicy],
      useFactory: (config: AppConfig, client: GeminiClient, policy: GeminiPolicy): IntentClassifier => {
        const offline = new OfflineIntentClassifier();
        const provider = config.get('INTENT_PROVIDER');
        switch (provider) {
          case 'offline':
            return offline;
          case 'gemini':
            return new GeminiIntentClassifier(client, policy, offline, { model: config.get('GEMINI_MODEL') });
        }
      },
    },
    UnderstandingService,
  ],
  exports: [UnderstandingService],
})
export class UnderstandingModule {}
