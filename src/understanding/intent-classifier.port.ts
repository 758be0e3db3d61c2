import type { TenantConfig } from 'src/tenant/tenant-config';
import type { IntentReading, SentimentReading } from 'src/understanding/understanding.types';

/** A classifier's answer; a model that reads sentiment in the same call returns it too, so it is not asked twice. */
export interface IntentClassification {
  intent: IntentReading;
  sentiment?: SentimentReading;
}

/** Names the intent of one user message among the tenant's intents and the built-ins. */
export abstract class IntentClassifier {
  abstract classify(business: TenantConfig, text: string): Promise<IntentClassification>;
}
