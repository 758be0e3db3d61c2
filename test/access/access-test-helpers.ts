import { tenantKeyFactory } from 'test/factories/tenant-key.factory';
import type { TestApp } from 'test/support/test-app';

export interface IssuedKey {
  key: string;
  keyId: string;
  headers: { 'X-Admin-API-Key': string };
}

export const keysPath = (businessId: string, rest = '') => `/admin/business/${businessId}/keys${rest}`;

/** Creates a tenant key with the platform key and returns it with ready-made headers. */
export async function issueKey(
  t: Pick<TestApp, 'http' | 'admin'>,
  businessId: string,
  role: 'owner' | 'editor' | 'viewer',
): Promise<IssuedKey> {
  const res = await t.http.post(keysPath(businessId)).set(t.admin).send(tenantKeyFactory.build({ role }));
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { key: string; keyId: string };
  return { key: body.key, keyId: body.keyId, headers: { 'X-Admin-API-Key': body.key } };
}
