// Loaded before every e2e file: the real local Postgres and Redis, quiet logs, a fixed admin key.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  assertTestDatabase,
  suiteDatabaseUrl,
  suiteRedisUrl,
  TEST_ADMIN_KEY,
  TEST_REDIS_KEY_PREFIX,
} from 'test/support/services';

process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = suiteDatabaseUrl();
process.env.REDIS_URL = suiteRedisUrl();
// Checked here as well as in global setup: this is where the URL every suite connects to is decided.
assertTestDatabase(process.env.DATABASE_URL);
process.env.REDIS_KEY_PREFIX = TEST_REDIS_KEY_PREFIX;
process.env.ADMIN_API_KEY = TEST_ADMIN_KEY;
process.env.LOG_LEVEL ??= 'silent';
process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'concierge-test-'));
process.env.CHAT_RATE_LIMIT_PER_MINUTE ??= '1000';
// Off by default: suites script different replies to the same question; test/chat/response-cache turns it on.
process.env.RESPONSE_CACHE_TTL_S ??= '0';
process.env.CHAT_IP_RATE_LIMIT_PER_MINUTE ??= '0';
process.env.CHAT_IP_RATE_LIMIT_ALL_TENANTS_PER_MINUTE ??= '0';
// The fake CRMs and sites listen on 127.0.0.1; test/crm/crm-private-urls.e2e-spec.ts checks the production default.
process.env.OUTBOUND_ALLOW_PRIVATE_URLS ??= 'true';
delete process.env.GEMINI_API_KEY;
