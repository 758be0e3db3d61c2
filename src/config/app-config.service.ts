import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { EnvSchema } from 'src/config/env.schema';

/** Typed, already-validated view of the environment; inject this rather than ConfigService. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<EnvSchema, true>) {}

  get<K extends keyof EnvSchema>(key: K): EnvSchema[K] {
    return this.config.get(key, { infer: true });
  }

  get isProduction(): boolean {
    return this.get('NODE_ENV') === 'production';
  }

  /** For providers configured as `gemini`, which validation only lets through with a key. */
  get geminiApiKey(): string {
    const key = this.get('GEMINI_API_KEY');
    if (!key) throw new Error('GEMINI_API_KEY is not set although a Gemini provider is configured');
    return key;
  }

  get allowedOrigins(): string[] {
    return JSON.parse(this.get('ALLOWED_ORIGINS')) as string[];
  }

  get trustedProxies(): string[] {
    return JSON.parse(this.get('TRUSTED_PROXIES')) as string[];
  }
}
