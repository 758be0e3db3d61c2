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
    });
  });

  it('converts numeric strings', () => {
    expect(validateEnv({ PORT: '9000', MAX_HISTORY_TURNS: '5' })).toMatchObject({ PORT: 9000, MAX_HISTORY_TURNS: 5 });
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
  ])('refuses %j naming the variable', (raw, name) => {
    expect(() => validateEnv(raw)).toThrow(new RegExp(`- ${name}:`));
  });

  it('requires real services and keys in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL: required[\s\S]*REDIS_URL: required[\s\S]*ADMIN_API_KEY: required[\s\S]*CRM_ENCRYPTION_KEY: required/,
    );
  });

  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/x',
    REDIS_URL: 'redis://redis:6379/0',
    ADMIN_API_KEY: 'a'.repeat(32),
    CRM_ENCRYPTION_KEY: 'b'.repeat(44),
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

  it.each(['LLM_PROVIDER', 'EMBEDDING_PROVIDER'])('refuses %s=gemini without GEMINI_API_KEY', (key) => {
    expect(() => validateEnv({ ...production, LLM_PROVIDER: 'offline', EMBEDDING_PROVIDER: 'local', [key]: 'gemini' })).toThrow(
      `- ${key}: gemini needs GEMINI_API_KEY`,
    );
    expect(() => validateEnv({ [key]: 'gemini' })).toThrow(`- ${key}: gemini needs GEMINI_API_KEY`);
  });

  it.each([
    [{ LLM_PROVIDER: 'openai' }, 'LLM_PROVIDER'],
    [{ EMBEDDING_PROVIDER: 'offline' }, 'EMBEDDING_PROVIDER'],
  ])('refuses unknown provider %j naming the variable', (raw, name) => {
    expect(() => validateEnv(raw)).toThrow(new RegExp(`- ${name}: ${name} must be one of`));
  });

  it('outside production defaults to Gemini when a key is set and to the offline providers otherwise', () => {
    expect(validateEnv({})).toMatchObject({ LLM_PROVIDER: 'offline', EMBEDDING_PROVIDER: 'local' });
    expect(validateEnv({ GEMINI_API_KEY: 'k' })).toMatchObject({ LLM_PROVIDER: 'gemini', EMBEDDING_PROVIDER: 'gemini' });
    expect(validateEnv({ GEMINI_API_KEY: 'k', LLM_PROVIDER: 'offline' })).toMatchObject({ LLM_PROVIDER: 'offline', EMBEDDING_PROVIDER: 'gemini' });
  });

  it('does not echo secret values in its messages', () => {
    try {
      validateEnv({ ADMIN_API_KEY: 'tooshort-secret' });
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).not.toContain('tooshort-secret');
    }
  });
});
