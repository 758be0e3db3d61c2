import { randomBytes } from 'node:crypto';

import type { CapturedFields } from 'src/conversation/captured-fields';
import type { CrmTools, ToolCallContext } from 'src/crm/crm-tools.port';
import { businessFactory } from 'test/factories/business.factory';
import type { TestApp } from 'test/support/test-app';

/** Creates a tenant through the admin API and returns its id. */
export async function createTenant(t: TestApp): Promise<string> {
  const body = businessFactory.build();
  const res = await t.http.post('/admin/business').set(t.admin).send(body);
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return body.businessId as string;
}

export const leadFactory = {
  build: (overrides: Partial<CapturedFields> = {}): Required<CapturedFields> => {
    const tag = randomBytes(4).toString('hex');
    return {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: `ada.${tag}@example.com`,
      phone: `+1415555${String(parseInt(tag.slice(0, 4), 16) % 10000).padStart(4, '0')}`,
      company: 'Analytical Engines',
      ...overrides,
    };
  },
};

export const toolContext = (
  businessId: string,
  captured: CapturedFields,
  overrides: Partial<ToolCallContext> = {},
): ToolCallContext => ({
  businessId,
  sessionId: `sess-${randomBytes(6).toString('hex')}`,
  channel: 'chat',
  captured,
  crm: {},
  ...overrides,
});

/** Polls until `check` returns a value that is not undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * The reported takeover: Alice's contact is created, then another visitor (Mallory) gives Alice's email with their
 * own name, phone and company. Returns Alice's result and Mallory's context; the caller checks what the CRM kept.
 */
export async function contactTakeoverAttempt(tools: CrmTools, businessId: string) {
  const email = leadFactory.build().email;
  const alice = await tools.execute(
    'create_contact',
    {},
    toolContext(businessId, { email, firstName: 'Alice', lastName: 'Victim', phone: '+14155550100' }),
  );
  const mallory = toolContext(businessId, {
    email,
    firstName: 'Mallory',
    lastName: 'Evil',
    phone: '+14155550199',
    company: 'Evil Corp',
  });
  return { email, alice, mallory, malloryResult: await tools.execute('create_contact', {}, mallory) };
}
