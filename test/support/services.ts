export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** The apps under test use this namespace; a raw client given it as `keyPrefix` sees the keys they see. */
export const TEST_REDIS_KEY_PREFIX = 'concierge-test:';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';
