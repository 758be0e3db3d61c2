import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

/** The shared Gemini client's own refusals; each consumer maps outages to its own codes (LLM.*, RAG.*, VOICE.*). */
export const GeminiErrorCatalogue = defineErrors({
  NOT_CONFIGURED: {
    code: 'GEMINI.NOT_CONFIGURED',
    kind: 'UNAVAILABLE',
    meaning: 'A Gemini feature was used on a deployment without `GEMINI_API_KEY`.',
  },
});

export const GeminiErrors = {
  notConfigured: () => new AppError(GeminiErrorCatalogue.NOT_CONFIGURED, 'GEMINI_API_KEY is not set'),
};
