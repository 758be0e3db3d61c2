import { GoogleGenAI } from '@google/genai';

import { GeminiErrors } from 'src/gemini/gemini.errors';

export interface GeminiClientOptions {
  apiKey: string | undefined;
  /** Points the SDK elsewhere (a proxy, or the fake server in tests). */
  baseUrl?: string;
}

/**
 * The one `@google/genai` instance of the process, built from config. It carries no timeout or retry settings of
 * its own: those are per call, in GeminiPolicy, so chat, embeddings, re-ranking and Live share one breaker.
 */
export class GeminiClient {
  private readonly sdk: GoogleGenAI | null;

  constructor(options: GeminiClientOptions) {
    this.sdk = options.apiKey
      ? new GoogleGenAI({
          apiKey: options.apiKey,
          // Our own fetch: without it the SDK reaches for Undici's global dispatcher through a realm-global symbol,
          // which is missing inside Jest's sandbox (and some bundlers). Plain fetch behaves identically in production.
          httpOptions: {
            ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
            fetch: (input, init) => fetch(input, init),
          },
        })
      : null;
  }

  get configured(): boolean {
    return this.sdk !== null;
  }

  get ai(): GoogleGenAI {
    if (!this.sdk) throw GeminiErrors.notConfigured();
    return this.sdk;
  }
}
