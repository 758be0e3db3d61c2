import type { Provider } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config.service';
import { LlmProvider } from 'src/chat/llm-provider.port';
import { GeminiLlmProvider } from 'src/chat/providers/gemini-llm.provider';
import { OfflineLlmProvider } from 'src/chat/providers/offline-llm.provider';

/** LLM_PROVIDER picks the provider; validated config guarantees it is set and that `gemini` comes with a key. */
export const llmProviderBinding: Provider = {
  provide: LlmProvider,
  inject: [AppConfig],
  useFactory: (config: AppConfig): LlmProvider => {
    const provider = config.get('LLM_PROVIDER');
    switch (provider) {
      case 'offline':
        return new OfflineLlmProvider();
      case 'gemini':
        return new GeminiLlmProvider({ apiKey: config.geminiApiKey, model: config.get('GEMINI_MODEL'), baseUrl: config.get('GEMINI_BASE_URL') });
    }
  },
};
