import Sentiment from 'sentiment';

import type { SentimentReading } from 'src/understanding/understanding.types';

/** Below this magnitude a message reads as neutral: one mildly coloured word ("ok", "fine") is not a mood. */
const NEUTRAL_BAND = 0.15;
/** An AFINN sum of about ±4 (one strong word, or two mild ones) maps to ±0.76 and saturates gently beyond. */
const SCALE = 4;

/**
 * Offline sentiment: the `sentiment` package (AFINN-165 word scores with English negation, so "not happy" scores
 * negative and "not bad" positive), squashed to -1..1 with tanh so long messages do not run off the scale.
 */
export class SentimentAnalyzer {
  private readonly engine = new Sentiment();

  analyze(text: string): SentimentReading {
    const { score } = this.engine.analyze(text);
    const squashed = Math.round(Math.tanh(score / SCALE) * 100) / 100;
    const label = squashed > NEUTRAL_BAND ? 'positive' : squashed < -NEUTRAL_BAND ? 'negative' : 'neutral';
    return { label, score: squashed };
  }
}
