import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/bootstrap';
import { businessFactory } from 'test/factories/business.factory';
import type { TestApp } from 'test/support/test-app';
import { TEST_ADMIN_KEY } from 'test/support/services';

export const newSessionId = () => randomUUID();

/** Creates a tenant through the admin API and returns its id. */
export async function createTenant(
  t: Pick<TestApp, 'http' | 'admin'>,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const body = businessFactory.build(overrides);
  const res = await t.http.post('/admin/business').set(t.admin).send(body);
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return body.businessId as string;
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** A conversation helper bound to one tenant and session. */
export function chatter(http: TestAgent, businessId: string, sessionId = newSessionId()) {
  return {
    sessionId,
    send: (message: string, extra: Record<string, unknown> = {}) =>
      http.post('/chat').send({ business_id: businessId, session_id: sessionId, message, ...extra }),
    click: (ctaId: string) =>
      http.post('/chat').send({ business_id: businessId, session_id: sessionId, message: '', cta_id: ctaId }),
  };
}

/**
 * Boots the real AppModule through the production `configureApp`, with some providers replaced: only for the
 * model edge (a scripted LlmProvider) and for ports whose real implementation lives in another module.
 */
export async function bootAppWith(
  overrides: [token: unknown, value: unknown][],
  env: Record<string, string> = {},
): Promise<TestApp> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let app: NestExpressApplication;
  try {
    let builder = Test.createTestingModule({ imports: [AppModule.forRoot()] });
    for (const [token, value] of overrides) builder = builder.overrideProvider(token).useValue(value);
    const moduleRef = await builder.compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
    configureApp(app);
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
