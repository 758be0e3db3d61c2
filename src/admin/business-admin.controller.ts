import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { ListBusinessesQuery } from 'src/admin/dto/list-businesses.query';
import { toConfigDto } from 'src/tenant/business.mapper';
import {
  BusinessConfigResponseDto,
  BusinessListResponseDto,
  DeleteBusinessResponseDto,
} from 'src/tenant/dto/business-responses.dto';
import { UpsertBusinessDto } from 'src/tenant/dto/upsert-business.dto';
import { TenantService } from 'src/tenant/tenant.service';

@ApiTags('admin: businesses')
@AdminOnly()
@Controller('admin/business')
export class BusinessAdminController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a business or partially update it',
    description: 'Absent keys are kept; `null` or `""` clears an optional field. Accepts camelCase or legacy snake_case keys. Answers 201 on create, 200 on update.',
  })
  @ApiOkResponse({ type: BusinessConfigResponseDto, description: 'Updated' })
  @ApiCreatedResponse({ type: BusinessConfigResponseDto, description: 'Created' })
  @ApiBadRequestResponse({ description: 'Invalid field or CTA tree; the message names it' })
  async upsertBusiness(@Body() dto: UpsertBusinessDto, @Res({ passthrough: true }) res: Response): Promise<BusinessConfigResponseDto> {
    const { business, created } = await this.tenants.upsert(dto);
    if (created) res.status(201);
    return { success: true, config: toConfigDto(business) };
  }

  @Get()
  @ApiOperation({ summary: 'All businesses keyed by id, paged by id' })
  @ApiOkResponse({ type: BusinessListResponseDto })
  async listBusinesses(@Query() query: ListBusinessesQuery): Promise<BusinessListResponseDto> {
    const page = await this.tenants.list(query.limit, query.cursor);
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
  @ApiOperation({ summary: 'Delete a business and everything that belongs to it' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: DeleteBusinessResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  async deleteBusiness(@Param('id') id: string): Promise<DeleteBusinessResponseDto> {
    await this.tenants.delete(id);
    return { success: true, deleted: id };
  }
}
