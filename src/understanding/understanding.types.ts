export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** What a user message is about. `other` when no intent reaches the classifier's threshold. */
export interface IntentReading {
  name: string;
  /** 0..1; how sure the classifier is (nearest-example similarity offline, the model's own estimate with Gemini). */
  confidence: number;
  source: 'offline' | 'gemini';
}

export interface SentimentReading {
  label: SentimentLabel;
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
}

/** The reading of one user message, recorded on its transcript row and analytics event. */
export interface MessageUnderstanding {
  intent: IntentReading;
  sentiment: SentimentReading;
}
