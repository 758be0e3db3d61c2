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
    [{ REDIS_KEY_PREFIX: 'acme' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: 'acme*:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: '{acme}:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: 'ac me:' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: '::' }, 'REDIS_KEY_PREFIX'],
    [{ REDIS_KEY_PREFIX: `${'a'.repeat(64)}:` }, 'REDIS_KEY_PREFIX'],
  ])('refuses %j naming the variable', (raw, name) => {
    expect(() => validateEnv(raw)).toThrow(new RegExp(`- ${name}:`));
  });

  it('requires real services and keys in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL: required[\s\S]*REDIS_URL: required[\s\S]*ADMIN_API_KEY: required[\s\S]*CRM_ENCRYPTION_KEY: required/,
    );
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
