import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import { PublicApi } from 'src/common/auth/public-api.decorator';
import { toPublicConfigDto } from 'src/tenant/business.mapper';
import { PublicBusinessConfigResponseDto } from 'src/tenant/dto/business-responses.dto';
import { TenantService } from 'src/tenant/tenant.service';
import { TenantOriginGuard } from 'src/tenant/tenant-origin.guard';

@ApiTags('widget')
@PublicApi()
@Controller('api/business')
export class TenantController {
  constructor(private readonly tenants: TenantService) {}

  @Get(':id/config')
  @ApiOperation({ summary: 'Public widget configuration (branding, greeting, CTA tree); never the prompt or secrets' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: PublicBusinessConfigResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  @ApiForbiddenResponse({ description: "Browser request from an origin the business's allowedOrigins does not list" })
  @UseGuards(TenantOriginGuard)
  async getPublicConfig(@Param('id') id: string): Promise<PublicBusinessConfigResponseDto> {
    return { success: true, config: toPublicConfigDto(await this.tenants.getCached(id)) };
  }
}
