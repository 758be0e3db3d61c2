import type { Provider } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config.service';
import { LlmProvider } from 'src/chat/llm-provider.port';
import { GeminiLlmProvider } from 'src/chat/providers/gemini-llm.provider';
import { OfflineLlmProvider } from 'src/chat/providers/offline-llm.provider';

/** Gemini when an API key is configured; otherwise the rule-based offline provider, so the platform runs anywhere. */
export const llmProviderBinding: Provider = {
  provide: LlmProvider,
  inject: [AppConfig],
  useFactory: (config: AppConfig): LlmProvider => {
    const apiKey = config.get('GEMINI_API_KEY');
    if (!apiKey) return new OfflineLlmProvider();
    return new GeminiLlmProvider({ apiKey, model: config.get('GEMINI_MODEL'), baseUrl: config.get('GEMINI_BASE_URL') });
  },
};
