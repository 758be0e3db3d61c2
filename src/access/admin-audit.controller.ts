import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { AdminAuditService } from 'src/access/admin-audit.service';
import { AuditLogQueryDto, AuditPageDto } from 'src/access/dto/audit-log.dto';
import { AdminAccess } from 'src/common/auth/admin-access.policy';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';

@ApiTags('admin: audit log')
@AdminOnly()
@Controller('admin')
export class AdminAuditController {
  constructor(private readonly audit: AdminAuditService) {}

  @Get('business/:id/audit')
  @AdminAccess({ minRole: 'owner' })
  @ApiOperation({
    summary: "This business's admin writes, newest first: who (key id), what (method and route), when, and the status",
  })
  @ApiParam({ name: 'id', example: 'goaccel-website', description: 'Business id' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  listBusinessAudit(@Param('id') id: string, @Query() query: AuditLogQueryDto): Promise<AuditPageDto> {
    return this.audit.listForTenant(id, query.limit, query.cursor);
  }

  @Get('audit')
  @ApiOperation({
    summary:
      'Platform key only: every admin write across businesses, including those naming no existing business (deleted ones, failed creates)',
  })
  @ApiOkResponse({ type: AuditPageDto })
  listPlatformAudit(@Query() query: AuditLogQueryDto): Promise<AuditPageDto> {
    return this.audit.listAll(query.limit, query.cursor);
  }
}
