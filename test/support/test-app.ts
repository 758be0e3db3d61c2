import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from 'src/bootstrap';
import { TEST_ADMIN_KEY } from 'test/support/services';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  /** Headers that authenticate as admin. */
  admin: { 'X-Admin-API-Key': string };
  close(): Promise<void>;
}

/**
 * Boots the real AppModule through the production bootstrap. `env` overrides process.env for this
 * instance only (restored afterwards), so a suite can boot instances with different settings.
 */
export async function bootTestApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let app: NestExpressApplication;
  try {
    app = await createApp();
    await app.init();
  } finally {
    process.env = saved;
  }
  return {
    app,
    http: request(app.getHttpServer()),
    admin: { 'X-Admin-API-Key': process.env.ADMIN_API_KEY ?? TEST_ADMIN_KEY },
    close: () => app.close(),
  };
}
