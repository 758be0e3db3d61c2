import type { FactoryProvider } from '@nestjs/common';

import { llmProviderBinding } from 'src/chat/llm-provider.factory';
import { GeminiLlmProvider } from 'src/chat/providers/gemini-llm.provider';
import { OfflineLlmProvider } from 'src/chat/providers/offline-llm.provider';
import { AppConfig } from 'src/config/app-config.service';
import type { Env } from 'src/config/env.schema';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy } from 'src/gemini/gemini-policy';

const configWith = (values: Partial<Env>) => {
  const config = Object.create(AppConfig.prototype) as AppConfig;
  config.get = <K extends keyof Env>(key: K) => values[key] as Env[K];
  return config;
};
const build = (values: Partial<Env>) =>
  (llmProviderBinding as FactoryProvider).useFactory(
    configWith(values),
    new GeminiClient({ apiKey: values.GEMINI_API_KEY }),
    new GeminiPolicy(),
  ) as unknown;

describe('llmProviderBinding', () => {
  it('serves the offline provider when LLM_PROVIDER says so, even with a Gemini key present', () => {
    expect(build({ LLM_PROVIDER: 'offline', GEMINI_API_KEY: 'k' })).toBeInstanceOf(OfflineLlmProvider);
  });

  it('serves Gemini when LLM_PROVIDER=gemini', () => {
    expect(build({ LLM_PROVIDER: 'gemini', GEMINI_API_KEY: 'k', GEMINI_MODEL: 'gemini-2.5-flash' })).toBeInstanceOf(
      GeminiLlmProvider,
    );
  });

  it('refuses Gemini without a key rather than falling back to offline answers', () => {
    expect(() => build({ LLM_PROVIDER: 'gemini', GEMINI_MODEL: 'gemini-2.5-flash' })).toThrow(
      'GEMINI_API_KEY is not set although a Gemini provider is configured',
    );
  });
});
