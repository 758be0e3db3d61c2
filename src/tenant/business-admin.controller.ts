import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import { AdminAccess } from 'src/common/auth/admin-access.policy';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { type AdminPrincipal, CurrentAdmin } from 'src/common/auth/admin-principal';
import { toConfigDto } from 'src/tenant/business.mapper';
import {
  BusinessConfigResponseDto,
  BusinessListResponseDto,
  DeleteBusinessResponseDto,
} from 'src/tenant/dto/business-responses.dto';
import { ListBusinessesQuery } from 'src/tenant/dto/list-businesses.query';
import { UpsertBusinessDto } from 'src/tenant/dto/upsert-business.dto';
import { TenantService } from 'src/tenant/tenant.service';

@ApiTags('admin: businesses')
@AdminOnly()
@Controller('admin/business')
export class BusinessAdminController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(200)
  @AdminAccess({ tenant: 'body' })
  @ApiOperation({
    summary: 'Create a business or partially update it',
    description:
      'Absent keys are kept; `null` or `""` clears an optional field. Accepts camelCase or legacy snake_case keys. Answers 201 on create, 200 on update. ' +
      'A business key may update its own business (editor or owner) but only the platform key creates businesses.',
  })
  @ApiOkResponse({ type: BusinessConfigResponseDto, description: 'Updated' })
  @ApiCreatedResponse({ type: BusinessConfigResponseDto, description: 'Created' })
  @ApiBadRequestResponse({ description: 'Invalid field or CTA tree; the message names it' })
  async upsertBusiness(
    @Body() dto: UpsertBusinessDto,
    @CurrentAdmin() admin: AdminPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BusinessConfigResponseDto> {
    const { business, created } = await this.tenants.upsert(dto, { mayCreate: admin.kind === 'platform' });
    if (created) res.status(201);
    return { success: true, config: toConfigDto(business) };
  }

  @Get()
  @AdminAccess({ tenant: 'filtered' })
  @ApiOperation({ summary: 'All businesses keyed by id, paged by id (a business key sees only its own)' })
  @ApiOkResponse({ type: BusinessListResponseDto })
  async listBusinesses(
    @Query() query: ListBusinessesQuery,
    @CurrentAdmin() admin: AdminPrincipal,
  ): Promise<BusinessListResponseDto> {
    const page = await this.tenants.list(
      query.limit,
      query.cursor,
      admin.kind === 'tenant' ? admin.businessId : undefined,
    );
    return {
      success: true,
      businesses: Object.fromEntries(page.items.map((b) => [b.businessId, toConfigDto(b)])),
      total: page.total,
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One business, full configuration' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: BusinessConfigResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  async getBusiness(@Param('id') id: string): Promise<BusinessConfigResponseDto> {
    return { success: true, config: toConfigDto(await this.tenants.get(id)) };
  }

  @Delete(':id')
  @AdminAccess({ minRole: 'platform' })
  @ApiOperation({ summary: 'Delete a business and everything that belongs to it (platform key only)' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: DeleteBusinessResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  async deleteBusiness(@Param('id') id: string): Promise<DeleteBusinessResponseDto> {
    await this.tenants.delete(id);
    return { success: true, deleted: id };
  }
}
