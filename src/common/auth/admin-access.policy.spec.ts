import { AdminRouteAccess, authorizeAdmin, targetTenant } from 'src/common/auth/admin-access.policy';
import { AdminPrincipal, PLATFORM_PRINCIPAL, TenantKeyRole } from 'src/common/auth/admin-principal';
import { AppError } from 'src/common/errors/app-error';

const tenantKey = (role: TenantKeyRole, businessId = 'acme'): AdminPrincipal => ({
  kind: 'tenant',
  keyId: 'k-1',
  role,
  businessId,
});
const on = (method: string, params: Record<string, string> = { id: 'acme' }, body: unknown = {}) => ({
  method,
  params,
  body,
});

function refusal(
  principal: AdminPrincipal,
  req: ReturnType<typeof on>,
  access: AdminRouteAccess = {},
): string | undefined {
  try {
    authorizeAdmin(principal, req, access);
    return undefined;
  } catch (err) {
    return (err as AppError).code;
  }
}

describe('authorizeAdmin', () => {
  it('lets the platform key do anything, platform-only and platform-wide routes included', () => {
    expect(refusal(PLATFORM_PRINCIPAL, on('DELETE'), { minRole: 'platform' })).toBeUndefined();
    expect(refusal(PLATFORM_PRINCIPAL, on('GET', {}))).toBeUndefined();
  });

  it("refuses a tenant key on another tenant's route with auth.wrong_tenant, whatever its role", () => {
    for (const role of ['owner', 'editor', 'viewer'] as const)
      expect(refusal(tenantKey(role), on('GET', { id: 'other' }))).toBe('auth.wrong_tenant');
  });

  it('refuses a tenant key on a route that names no tenant', () => {
    expect(refusal(tenantKey('owner'), on('GET', {}))).toBe('auth.wrong_tenant');
  });

  it('lets a viewer read but not write', () => {
    expect(refusal(tenantKey('viewer'), on('GET'))).toBeUndefined();
    expect(refusal(tenantKey('viewer'), on('HEAD'))).toBeUndefined();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      expect(refusal(tenantKey('viewer'), on(method))).toBe('auth.insufficient_role');
  });

  it('lets a viewer make a POST that only reads (readOnly routes such as simulate)', () => {
    expect(refusal(tenantKey('viewer'), on('POST'), { readOnly: true })).toBeUndefined();
    expect(refusal(tenantKey('viewer', 'other'), on('POST'), { readOnly: true })).toBe('auth.wrong_tenant');
  });

  it('lets an editor write but not reach owner routes', () => {
    expect(refusal(tenantKey('editor'), on('PUT'))).toBeUndefined();
    expect(refusal(tenantKey('editor'), on('GET'), { minRole: 'owner' })).toBe('auth.insufficient_role');
    expect(refusal(tenantKey('owner'), on('POST'), { minRole: 'owner' })).toBeUndefined();
  });

  it('refuses platform-only routes to every tenant key, owners included', () => {
    expect(refusal(tenantKey('owner'), on('DELETE'), { minRole: 'platform' })).toBe('auth.insufficient_role');
  });

  it('takes the tenant from the body when told to, and checks it before the role', () => {
    expect(refusal(tenantKey('editor'), on('POST', {}, { businessId: 'acme' }), { tenant: 'body' })).toBeUndefined();
    expect(refusal(tenantKey('viewer'), on('POST', {}, { businessId: 'other' }), { tenant: 'body' })).toBe(
      'auth.wrong_tenant',
    );
  });

  it('leaves a body without a business id to validation', () => {
    expect(refusal(tenantKey('editor'), on('POST', {}, {}), { tenant: 'body' })).toBeUndefined();
  });

  it('opens filtered listings to tenant keys, still by role', () => {
    expect(refusal(tenantKey('viewer'), on('GET', {}), { tenant: 'filtered' })).toBeUndefined();
  });
});

describe('targetTenant', () => {
  it('is the id path parameter by default and the body businessId for body-scoped routes', () => {
    expect(targetTenant(on('PUT', { id: 'acme' }), {})).toBe('acme');
    expect(targetTenant(on('POST', {}, { businessId: 'new-co' }), { tenant: 'body' })).toBe('new-co');
    expect(targetTenant(on('POST', {}, { businessId: 42 }), { tenant: 'body' })).toBeUndefined();
  });
});
