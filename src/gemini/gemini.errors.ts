export const GeminiErrorCode = {
  /** A Gemini feature was used on a deployment without GEMINI_API_KEY. */
  NOT_CONFIGURED: 'GEMINI.NOT_CONFIGURED',
} as const;

export type GeminiErrorCode = (typeof GeminiErrorCode)[keyof typeof GeminiErrorCode];
