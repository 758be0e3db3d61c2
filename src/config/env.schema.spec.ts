import { Logger } from '@nestjs/common';

import { validateEnv } from 'src/config/env.schema';

describe('validateEnv', () => {
  it('applies documented defaults to an empty environment', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      PORT: 8000,
      NODE_ENV: 'development',
      GEMINI_MODEL: 'gemini-2.5-flash',
      SESSION_TTL_SECONDS: 604800,
      MAX_HISTORY_TURNS: 20,
      DATA_DIR: '.data',
      CHAT_RATE_LIMIT_PER_MINUTE: 5,
      REDIS_KEY_PREFIX: 'concierge:',
    });
  });

  it.each(['acme:', 'acme-prod.eu_1:', 'acme:prod:'])('accepts the Redis namespace %j', (prefix) => {
    expect(validateEnv({ REDIS_KEY_PREFIX: prefix }).REDIS_KEY_PREFIX).toBe(prefix);
  });

  it('converts numeric strings', () => {
    expect(validateEnv({ PORT: '9000', MAX_HISTORY_TURNS: '5' })).toMatchObject({ PORT: 9000, MAX_HISTORY_TURNS: 5 });
  });

  it('bounds the vector index cache by MiB, 1 GiB unless set', () => {
    expect(validateEnv({}).KB_INDEX_CACHE_MB).toBe(1024);
    expect(validateEnv({ KB_INDEX_CACHE_MB: '256' }).KB_INDEX_CACHE_MB).toBe(256);
  });

  it('keeps analytics and transcripts forever unless a retention in days is set, and refuses a negative one', () => {
    expect(validateEnv({})).toMatchObject({
      ANALYTICS_RETENTION_DAYS: 0,
      TRANSCRIPT_RETENTION_DAYS: 0,
      RETENTION_PURGE_INTERVAL_MS: 3600000,
    });
    expect(validateEnv({ ANALYTICS_RETENTION_DAYS: '90' }).ANALYTICS_RETENTION_DAYS).toBe(90);
    for (const name of ['ANALYTICS_RETENTION_DAYS', 'TRANSCRIPT_RETENTION_DAYS', 'RETENTION_PURGE_INTERVAL_MS'])
      expect(() => validateEnv({ [name]: '-1' })).toThrow(new RegExp(`- ${name}:`));
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ ALLOWED_ORIGINS: '["ok", 3]' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://x' }, 'ALLOWED_ORIGINS'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY'],
    [{ GEMINI_BASE_URL: 'not a url' }, 'GEMINI_BASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RESPONSE_CACHE_TTL_S: '-1' }, 'RESPONSE_CACHE_TTL_S'],
    [{ RESPONSE_CACHE_TTL_S: 'soon' }, 'RESPONSE_CACHE_TTL_S'],
    [{ REDIS_KEY_PREFIX: 'acme' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: 'acme*:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: '{acme}:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: 'ac me:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: '::' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: `${'a'.repeat(64)}:` }, 'REDIS_KEY_PREFIX'],
    [{ KB_INDEX_CACHE_MB: '0' }, 'KB_INDEX_CACHE_MB'],
    [{ KB_INDEX_CACHE_MB: '1.5GB' }, 'KB_INDEX_CACHE_MB'],
  ])('refuses %j naming the variable', (raw, name) => {
    expect(() => validateEnv(raw)).toThrow(new RegExp(`- ${name}:`));
  });

  it('defaults APP_ROLE to all and accepts api and worker with Redis', () => {
    expect(validateEnv({}).APP_ROLE).toBe('all');
    for (const role of ['api', 'worker'])
      expect(validateEnv({ APP_ROLE: role, REDIS_URL: 'redis://r:6379/0' }).APP_ROLE).toBe(role);
  });

  it('runs migrations at start-up unless MIGRATIONS_RUN=false', () => {
    expect(validateEnv({}).MIGRATIONS_RUN).toBe(true);
    expect(validateEnv({ MIGRATIONS_RUN: '' }).MIGRATIONS_RUN).toBe(true);
    expect(validateEnv({ MIGRATIONS_RUN: 'false' }).MIGRATIONS_RUN).toBe(false);
    expect(validateEnv({ MIGRATIONS_RUN: '0' }).MIGRATIONS_RUN).toBe(false);
    expect(() => validateEnv({ MIGRATIONS_RUN: 'maybe' })).toThrow(
      /- MIGRATIONS_RUN: MIGRATIONS_RUN must be a boolean/,
    );
  });

  it('waits 5 s before closing the listener in production and not at all elsewhere, unless SHUTDOWN_DELAY_MS says', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db/x',
      REDIS_URL: 'redis://r:6379/0',
      ADMIN_API_KEY: 'a'.repeat(32),
      CRM_ENCRYPTION_KEY: 'k'.repeat(43),
      SESSION_TOKEN_SECRET: 's'.repeat(32),
      LLM_PROVIDER: 'offline',
      EMBEDDING_PROVIDER: 'local',
    };
    expect(validateEnv(production).SHUTDOWN_DELAY_MS).toBe(5000);
    expect(validateEnv({ ...production, SHUTDOWN_DELAY_MS: '' }).SHUTDOWN_DELAY_MS).toBe(5000);
    expect(validateEnv({ ...production, SHUTDOWN_DELAY_MS: '0' }).SHUTDOWN_DELAY_MS).toBe(0);
    expect(validateEnv({}).SHUTDOWN_DELAY_MS).toBe(0);
    expect(validateEnv({ SHUTDOWN_DELAY_MS: '250' }).SHUTDOWN_DELAY_MS).toBe(250);
    expect(validateEnv({}).SHUTDOWN_CALL_GRACE_S).toBe(20);
  });

  it.each([
    [{ SHUTDOWN_DELAY_MS: '-1' }, 'SHUTDOWN_DELAY_MS'],
    [{ SHUTDOWN_DELAY_MS: 'soon' }, 'SHUTDOWN_DELAY_MS'],
    [{ SHUTDOWN_CALL_GRACE_S: '3601' }, 'SHUTDOWN_CALL_GRACE_S'],
  ])('refuses the drain setting %j', (raw, name) => {
    expect(() => validateEnv(raw)).toThrow(new RegExp(`- ${name}:`));
  });

  it('refuses an unknown APP_ROLE', () => {
    expect(() => validateEnv({ APP_ROLE: 'cron' })).toThrow(
      /- APP_ROLE: APP_ROLE must be one of the following values: all, api, worker/,
    );
  });

  it.each(['api', 'worker'])('refuses APP_ROLE=%s without REDIS_URL, saying why', (role) => {
    expect(() => validateEnv({ APP_ROLE: role })).toThrow(
      new RegExp(`- APP_ROLE: ${role} needs REDIS_URL \\(without it queues and caches are in-process`),
    );
  });

  it('requires real services and keys in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL: required[\s\S]*REDIS_URL: required[\s\S]*ADMIN_API_KEY: required[\s\S]*CRM_ENCRYPTION_KEY: required/,
    );
  });

  it('requires a SESSION_TOKEN_SECRET of at least 32 characters in production', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db/x',
      REDIS_URL: 'redis://r:6379/0',
      ADMIN_API_KEY: 'a'.repeat(32),
      CRM_ENCRYPTION_KEY: 'k'.repeat(43),
      LLM_PROVIDER: 'offline',
      EMBEDDING_PROVIDER: 'local',
    };
    expect(() => validateEnv(production)).toThrow(/- SESSION_TOKEN_SECRET: required when NODE_ENV=production/);
    expect(() => validateEnv({ ...production, SESSION_TOKEN_SECRET: 'too-short' })).toThrow(/- SESSION_TOKEN_SECRET:/);
    expect(validateEnv({ ...production, SESSION_TOKEN_SECRET: 's'.repeat(32) }).SESSION_TOKEN_SECRET).toBe(
      's'.repeat(32),
    );
  });

  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/x',
    REDIS_URL: 'redis://redis:6379/0',
    ADMIN_API_KEY: 'a'.repeat(32),
    CRM_ENCRYPTION_KEY: 'b'.repeat(44),
    SESSION_TOKEN_SECRET: 's'.repeat(32),
  };

  it('refuses to start production without explicit LLM and embedding providers, even with a Gemini key', () => {
    expect(() => validateEnv({ ...production, GEMINI_API_KEY: 'k' })).toThrow(
      /LLM_PROVIDER: required when NODE_ENV=production[\s\S]*EMBEDDING_PROVIDER: required when NODE_ENV=production/,
    );
  });

  it('accepts the offline providers in production when they are named', () => {
    expect(validateEnv({ ...production, LLM_PROVIDER: 'offline', EMBEDDING_PROVIDER: 'local' })).toMatchObject({
      LLM_PROVIDER: 'offline',
      EMBEDDING_PROVIDER: 'local',
    });
  });

  it('lets INTENT_PROVIDER follow LLM_PROVIDER unless set', () => {
    expect(validateEnv({}).INTENT_PROVIDER).toBe('offline');
    expect(validateEnv({ GEMINI_API_KEY: 'k' }).INTENT_PROVIDER).toBe('gemini');
    expect(validateEnv({ GEMINI_API_KEY: 'k', INTENT_PROVIDER: 'offline' }).INTENT_PROVIDER).toBe('offline');
  });

  it.each(['LLM_PROVIDER', 'EMBEDDING_PROVIDER', 'INTENT_PROVIDER'])(
    'refuses %s=gemini without GEMINI_API_KEY',
    (key) => {
      expect(() =>
        validateEnv({ ...production, LLM_PROVIDER: 'offline', EMBEDDING_PROVIDER: 'local', [key]: 'gemini' }),
      ).toThrow(`- ${key}: gemini needs GEMINI_API_KEY`);
      expect(() => validateEnv({ [key]: 'gemini' })).toThrow(`- ${key}: gemini needs GEMINI_API_KEY`);
    },
  );

  it.each([
    [{ LLM_PROVIDER: 'openai' }, 'LLM_PROVIDER'],
    [{ EMBEDDING_PROVIDER: 'offline' }, 'EMBEDDING_PROVIDER'],
  ])('refuses unknown provider %j naming the variable', (raw, name) => {
    expect(() => validateEnv(raw)).toThrow(new RegExp(`- ${name}: ${name} must be one of`));
  });

  it('outside production defaults to Gemini when a key is set and to the offline providers otherwise', () => {
    expect(validateEnv({})).toMatchObject({ LLM_PROVIDER: 'offline', EMBEDDING_PROVIDER: 'local' });
    expect(validateEnv({ GEMINI_API_KEY: 'k' })).toMatchObject({
      LLM_PROVIDER: 'gemini',
      EMBEDDING_PROVIDER: 'gemini',
    });
    expect(validateEnv({ GEMINI_API_KEY: 'k', LLM_PROVIDER: 'offline' })).toMatchObject({
      LLM_PROVIDER: 'offline',
      EMBEDDING_PROVIDER: 'gemini',
    });
  });

  it('does not echo secret values in its messages', () => {
    try {
      validateEnv({ ADMIN_API_KEY: 'tooshort-secret' });
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).not.toContain('tooshort-secret');
    }
  });

  describe('OUTBOUND_ALLOW_PRIVATE_URLS', () => {
    beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
    afterEach(() => jest.restoreAllMocks());

    it('is off by default and can be turned on outside production', () => {
      expect(validateEnv({}).OUTBOUND_ALLOW_PRIVATE_URLS).toBe(false);
      expect(validateEnv({ OUTBOUND_ALLOW_PRIVATE_URLS: 'true' }).OUTBOUND_ALLOW_PRIVATE_URLS).toBe(true);
    });

    it.each(['CRM_ALLOW_PRIVATE_URLS', 'KB_CRAWL_ALLOW_PRIVATE'])(
      'takes its value from the deprecated alias %s',
      (alias) => {
        expect(validateEnv({ [alias]: 'true' }).OUTBOUND_ALLOW_PRIVATE_URLS).toBe(true);
        expect(validateEnv({ [alias]: 'false' }).OUTBOUND_ALLOW_PRIVATE_URLS).toBe(false);
      },
    );

    it('turns on for every outbound URL when either alias is true, and yields to the new name when both are set', () => {
      expect(
        validateEnv({ CRM_ALLOW_PRIVATE_URLS: 'true', KB_CRAWL_ALLOW_PRIVATE: 'false' }).OUTBOUND_ALLOW_PRIVATE_URLS,
      ).toBe(true);
      expect(
        validateEnv({ CRM_ALLOW_PRIVATE_URLS: 'true', OUTBOUND_ALLOW_PRIVATE_URLS: 'false' })
          .OUTBOUND_ALLOW_PRIVATE_URLS,
      ).toBe(false);
    });

    it('is refused in production, whether set directly or through an alias', () => {
      const production = {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://db/app',
        REDIS_URL: 'redis://cache:6379',
        ADMIN_API_KEY: 'a'.repeat(40),
        CRM_ENCRYPTION_KEY: 'k'.repeat(44),
        SESSION_TOKEN_SECRET: 's'.repeat(32),
        LLM_PROVIDER: 'offline',
        EMBEDDING_PROVIDER: 'local',
      };
      expect(validateEnv(production).OUTBOUND_ALLOW_PRIVATE_URLS).toBe(false);
      expect(() => validateEnv({ ...production, OUTBOUND_ALLOW_PRIVATE_URLS: 'true' })).toThrow(
        /- OUTBOUND_ALLOW_PRIVATE_URLS: must not be true when NODE_ENV=production/,
      );
      expect(() => validateEnv({ ...production, KB_CRAWL_ALLOW_PRIVATE: 'true' })).toThrow(
        /- KB_CRAWL_ALLOW_PRIVATE: must not be true when NODE_ENV=production/,
      );
    });

    it('warns once per process for each deprecated name, naming the replacement', () => {
      jest.isolateModules(() => {
        // A fresh module registry: the "already warned" memory starts empty, as in a new process.
        const nest = require('@nestjs/common') as typeof import('@nestjs/common');
        const warn = jest.spyOn(nest.Logger.prototype, 'warn').mockImplementation(() => undefined);
        const fresh = require('src/config/env.schema') as typeof import('src/config/env.schema');
        fresh.validateEnv({ CRM_ALLOW_PRIVATE_URLS: 'true' });
        fresh.validateEnv({ CRM_ALLOW_PRIVATE_URLS: 'true', KB_CRAWL_ALLOW_PRIVATE: 'false' });
        fresh.validateEnv({ OUTBOUND_ALLOW_PRIVATE_URLS: 'true' });
        expect(warn.mock.calls).toEqual([
          [expect.stringMatching(/^CRM_ALLOW_PRIVATE_URLS is deprecated.*use OUTBOUND_ALLOW_PRIVATE_URLS/)],
          [expect.stringMatching(/^KB_CRAWL_ALLOW_PRIVATE is deprecated.*use OUTBOUND_ALLOW_PRIVATE_URLS/)],
        ]);
      });
    });
  });
});
