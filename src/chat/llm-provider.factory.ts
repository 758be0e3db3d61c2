import type { Provider } from '@nestjs/common';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { GeminiLlmProvider } from 'src/chat/providers/gemini-llm.provider';
import { MeteredLlmProvider } from 'src/chat/providers/metered-llm.provider';
import { OfflineLlmProvider } from 'src/chat/providers/offline-llm.provider';
import { Metrics, NO_METRICS } from 'src/common/metrics/metrics.port';
import { AppConfig } from 'src/config/app-config.service';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy } from 'src/gemini/gemini-policy';

/**
 * LLM_PROVIDER picks the provider; validated config guarantees it is set and that `gemini` comes with a key. With
 * metrics on, the provider is wrapped so every call is recorded (MeteredLlmProvider).
 */
export const llmProviderBinding: Provider = {
  provide: LlmProvider,
  inject: [AppConfig, GeminiClient, GeminiPolicy, { token: Metrics, optional: true }],
  useFactory: (config: AppConfig, client: GeminiClient, policy: GeminiPolicy, metrics?: Metrics): LlmProvider => {
    const provider = selectProvider(config, client, policy);
    if (!metrics || metrics === NO_METRICS) return provider;
    const name = config.get('LLM_PROVIDER');
    const model = name === 'gemini' ? config.get('GEMINI_MODEL') : name;
    return new MeteredLlmProvider(provider, metrics, { provider: name, model });
  },
};

function selectProvider(config: AppConfig, client: GeminiClient, policy: GeminiPolicy): LlmProvider {
  const provider = config.get('LLM_PROVIDER');
  switch (provider) {
    case 'offline':
      return new OfflineLlmProvider();
    case 'gemini':
      // Read for its refusal: LLM_PROVIDER=gemini without a key must fail the start, not the first chat turn.
      void config.geminiApiKey;
      return new GeminiLlmProvider(client, policy, { model: config.get('GEMINI_MODEL') });
  }
}
