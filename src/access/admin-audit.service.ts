import { Injectable, Logger } from '@nestjs/common';

import { AdminAuditRepository, NewAuditEntry } from 'src/access/admin-audit.repository';
import { AuditEntryDto, AuditPageDto } from 'src/access/dto/audit-log.dto';
import { AdminAuditEntryEntity } from 'src/access/entities/admin-audit-entry.entity';
import { AdminAuditLog } from 'src/common/auth/admin-audit.port';
import { TenantService } from 'src/tenant/tenant.service';

@Injectable()
export class AdminAuditService implements AdminAuditLog {
  private readonly logger = new Logger('AdminAudit');

  constructor(
    private readonly entries: AdminAuditRepository,
    private readonly tenants: TenantService,
  ) {}

  /**
   * Runs after the write, before its answer is sent. A failure is logged as an error, not returned: the change
   * is already committed, and failing its answer would only invite a retry of a write that happened.
   */
  async record(entry: NewAuditEntry): Promise<void> {
    await this.entries.append(entry).catch((err: Error) => {
      this.logger.error({ ...entry, err: err.message }, 'could not write the admin audit entry');
    });
  }

  async listForTenant(businessId: string, limit: number, cursor?: string): Promise<AuditPageDto> {
    await this.tenants.get(businessId);
    return toPage(await this.entries.listForTenant(businessId, limit, cursor), limit);
  }

  async listAll(limit: number, cursor?: string): Promise<AuditPageDto> {
    return toPage(await this.entries.listAllForAdmin(limit, cursor), limit);
  }
}

function toPage(rows: AdminAuditEntryEntity[], limit: number): AuditPageDto {
  return {
    success: true,
    entries: rows.map(toEntryDto),
    nextCursor: rows.length === limit ? rows[rows.length - 1].id : null,
  };
}

function toEntryDto(row: AdminAuditEntryEntity): AuditEntryDto {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    keyId: row.keyId,
    role: row.role,
    method: row.method,
    route: row.route,
    businessId: row.targetBusinessId,
    status: row.status,
    requestId: row.requestId,
  };
}
