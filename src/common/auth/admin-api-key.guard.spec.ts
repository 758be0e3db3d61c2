import { GUARDS_METADATA, INTERCEPTORS_METADATA } from '@nestjs/common/constants';

import { AdminApiKeyGuard, AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { AdminAuditInterceptor } from 'src/common/auth/admin-audit.interceptor';

describe(AdminOnly.name, () => {
  it('puts the audit interceptor beside the admin guard, so every route the guard lets through is audited', () => {
    @AdminOnly()
    class AdminController {}

    expect(Reflect.getMetadata(GUARDS_METADATA, AdminController)).toEqual([AdminApiKeyGuard]);
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, AdminController)).toEqual([AdminAuditInterceptor]);
  });

  it('does the same on a single handler', () => {
    class MixedController {
      @AdminOnly()
      update(): void {}
    }

    const handler = Object.getOwnPropertyDescriptor(MixedController.prototype, 'update')?.value as object;
    expect(Reflect.getMetadata(GUARDS_METADATA, handler)).toEqual([AdminApiKeyGuard]);
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, handler)).toEqual([AdminAuditInterceptor]);
  });
});
