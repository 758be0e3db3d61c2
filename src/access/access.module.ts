import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AdminAuditController } from 'src/access/admin-audit.controller';
import { AdminAuditRepository } from 'src/access/admin-audit.repository';
import { AdminAuditService } from 'src/access/admin-audit.service';
import { AdminAuditEntryEntity } from 'src/access/entities/admin-audit-entry.entity';
import { TenantApiKeyEntity } from 'src/access/entities/tenant-api-key.entity';
import { TenantApiKeyRepository } from 'src/access/tenant-api-key.repository';
import { TenantKeyCache } from 'src/access/tenant-key.cache';
import { TenantKeyPrincipalResolver } from 'src/access/tenant-key.principal-resolver';
import { TenantKeysController } from 'src/access/tenant-keys.controller';
import { TenantKeysService } from 'src/access/tenant-keys.service';
import { AdminAuditLog } from 'src/common/auth/admin-audit.port';
import { AdminPrincipalResolver } from 'src/common/auth/admin-principal';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * Who may do what on the admin API: tenant API keys with roles (the principal resolver behind the admin guard)
 * and the append-only audit log of admin writes (behind the audit interceptor that `AdminOnly()` applies). Global so
 * every controller's admin guard can resolve keys and its interceptor can record writes.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([TenantApiKeyEntity, AdminAuditEntryEntity]), TenantModule],
  controllers: [TenantKeysController, AdminAuditController],
  providers: [
    TenantApiKeyRepository,
    TenantKeyCache,
    TenantKeysService,
    AdminAuditRepository,
    AdminAuditService,
    { provide: AdminPrincipalResolver, useClass: TenantKeyPrincipalResolver },
    { provide: AdminAuditLog, useExisting: AdminAuditService },
  ],
  exports: [AdminPrincipalResolver, AdminAuditLog],
})
export class AccessModule {}
