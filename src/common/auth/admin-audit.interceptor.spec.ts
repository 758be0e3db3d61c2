import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { BadRequestException } from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';

import { AdminAuditInterceptor } from 'src/common/auth/admin-audit.interceptor';
import type { AdminAuditLog } from 'src/common/auth/admin-audit.port';
import { type AdminAccessContext, PLATFORM_PRINCIPAL } from 'src/common/auth/admin-principal';
import { HttpErrors } from 'src/common/http/http.errors';
import { strictMock } from 'test/support/strict-mock';

const editor: AdminAccessContext = {
  principal: { kind: 'tenant', keyId: 'key-1', role: 'editor', businessId: 'acme' },
  businessId: 'acme',
};

function httpContext(method: string, adminAccess?: AdminAccessContext, statusCode = 200): ExecutionContext {
  const req = { method, adminAccess, id: 'req-1', baseUrl: '', route: { path: '/admin/business/:id/crm' } };
  return strictMock<ExecutionContext>({
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ statusCode }) }),
  });
}

const handler = (result: ReturnType<CallHandler['handle']>) => strictMock<CallHandler>({ handle: () => result });

describe(AdminAuditInterceptor.name, () => {
  function build() {
    const audit = strictMock<AdminAuditLog>({ record: jest.fn().mockResolvedValue(undefined) });
    return { sut: new AdminAuditInterceptor(audit), audit };
  }

  it('records a successful write with its status, key id and route pattern, then passes the result on', async () => {
    const { sut, audit } = build();
    const out = await lastValueFrom(sut.intercept(httpContext('PUT', editor, 200), handler(of({ ok: true }))));
    expect(out).toEqual({ ok: true });
    expect(audit.record).toHaveBeenCalledWith({
      targetBusinessId: 'acme',
      keyId: 'key-1',
      role: 'editor',
      method: 'PUT',
      route: '/admin/business/:id/crm',
      status: 200,
      requestId: 'req-1',
    });
  });

  it('records a failed write with the status the error maps to, and rethrows it', async () => {
    const { sut, audit } = build();
    const err = HttpErrors.bodyTooLarge();
    await expect(
      lastValueFrom(sut.intercept(httpContext('POST', editor), handler(throwError(() => err)))),
    ).rejects.toBe(err);
    const invalid = new BadRequestException('bad');
    const platform = { principal: PLATFORM_PRINCIPAL, businessId: undefined };
    await expect(
      lastValueFrom(sut.intercept(httpContext('DELETE', platform), handler(throwError(() => invalid)))),
    ).rejects.toBe(invalid);
    expect(audit.record).toHaveBeenNthCalledWith(1, expect.objectContaining({ status: 413, keyId: 'key-1' }));
    expect(audit.record).toHaveBeenNthCalledWith(
      2,
      expect.objectContaining({ status: 400, keyId: 'platform', targetBusinessId: null }),
    );
  });

  it('records neither reads nor requests that no admin guard let through', async () => {
    const { sut, audit } = build();
    await expect(lastValueFrom(sut.intercept(httpContext('GET', editor), handler(of(1))))).resolves.toBe(1);
    await expect(lastValueFrom(sut.intercept(httpContext('POST', undefined), handler(of(2))))).resolves.toBe(2);
    // A POST on a readOnly route (simulate) writes nothing, so there is nothing to audit.
    const readOnly = { ...editor, readOnly: true };
    await expect(lastValueFrom(sut.intercept(httpContext('POST', readOnly), handler(of(3))))).resolves.toBe(3);
    expect(audit.record).not.toHaveBeenCalled();
  });
});
