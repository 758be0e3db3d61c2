import { Injectable } from '@nestjs/common';

import type { TenantConfig } from 'src/tenant/tenant-config';
import { IntentClassifier } from 'src/understanding/intent-classifier.port';
import { SentimentAnalyzer } from 'src/understanding/sentiment.analyzer';
import type { MessageUnderstanding } from 'src/understanding/understanding.types';

/** Reads one user message: its intent (through the configured classifier) and its sentiment. */
@Injectable()
export class UnderstandingService {
  constructor(
    private readonly classifier: IntentClassifier,
    private readonly sentiment: SentimentAnalyzer,
  ) {}

  async understand(business: TenantConfig, text: string): Promise<MessageUnderstanding> {
    const { intent, sentiment } = await this.classifier.classify(business, text);
    // Gemini reads sentiment in the same call; offline (or after a Gemini failure) the package does.
    return { intent, sentiment: sentiment ?? this.sentiment.analyze(text) };
  }
}
