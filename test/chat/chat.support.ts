import { randomUUID } from 'node:crypto';

import type TestAgent from 'supertest/lib/agent';

import { businessFactory } from 'test/factories/business.factory';
import { bootTestApp, ProviderOverride, TestApp } from 'test/support/test-app';

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

/**
 * A conversation helper bound to one tenant and session, acting as the visitor's client: it keeps the session_token
 * of the latest reply and sends it with every later message (`body` builds the same request for /chat/stream).
 */
export function chatter(http: TestAgent, businessId: string, sessionId = newSessionId()) {
  let token: string | undefined;
  const body = (fields: Record<string, unknown>) => ({
    business_id: businessId,
    session_id: sessionId,
    ...(token ? { session_token: token } : {}),
    ...fields,
  });
  // An assertion callback sees every response, so the token is kept while callers still chain `.expect(200)`.
  const post = (fields: Record<string, unknown>) =>
    http
      .post('/chat')
      .send(body(fields))
      .expect((res) => {
        const issued = (res.body as { session_token?: unknown }).session_token;
        if (typeof issued === 'string') token = issued;
      });
  return {
    sessionId,
    get token() {
      return token;
    },
    body: (message: string, extra: Record<string, unknown> = {}) => body({ message, ...extra }),
    send: (message: string, extra: Record<string, unknown> = {}) => post({ message, ...extra }),
    click: (ctaId: string) => post({ message: '', cta_id: ctaId }),
  };
}

/**
 * Boots the real AppModule with some providers replaced: only the model edge (a scripted LlmProvider) and
 * ports whose real implementation lives in another module.
 */
export function bootAppWith(overrides: ProviderOverride[], env: Record<string, string> = {}): Promise<TestApp> {
  return bootTestApp(env, overrides);
}
