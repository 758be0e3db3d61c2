import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

import { AppModule } from 'src/app.module';
import { configureApp, createApp, NEST_APP_OPTIONS } from 'src/bootstrap';
import { assertTestDatabase, TEST_ADMIN_KEY } from 'test/support/services';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  /** Headers that authenticate as admin. */
  admin: { 'X-Admin-API-Key': string };
  close(): Promise<void>;
}

/** A provider replaced for one test app: only external edges (e.g. the LLM) should ever be swapped. */
export type ProviderOverride = [token: unknown, value: unknown];

/**
 * Boots the real AppModule through the production bootstrap. `env` overrides process.env for this
 * instance only (restored afterwards), so a suite can boot instances with different settings.
 */
export async function bootTestApp(
  env: Record<string, string | undefined> = {},
  overrides: ProviderOverride[] = [],
): Promise<TestApp> {
  // A suite pointing one app at its own database (an outage test's private server) gets the same guard.
  if (env.DATABASE_URL) assertTestDatabase(env.DATABASE_URL);
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let app: NestExpressApplication;
  try {
    app = overrides.length ? await createWithOverrides(overrides) : await createApp();
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

async function createWithOverrides(overrides: ProviderOverride[]): Promise<NestExpressApplication> {
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot()] });
  for (const [token, value] of overrides) builder = builder.overrideProvider(token).useValue(value);
  const app = (await builder.compile()).createNestApplication<NestExpressApplication>(NEST_APP_OPTIONS);
  configureApp(app);
  return app;
}
