import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { toPublicConfigDto } from 'src/tenant/business.mapper';
import { PublicBusinessConfigResponseDto } from 'src/tenant/dto/business-responses.dto';
import { TenantService } from 'src/tenant/tenant.service';

@ApiTags('widget')
@Controller('api/business')
export class TenantController {
  constructor(private readonly tenants: TenantService) {}

  @Get(':id/config')
  @ApiOperation({ summary: 'Public widget configuration (branding, greeting, CTA tree); never the prompt or secrets' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: PublicBusinessConfigResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  async getPublicConfig(@Param('id') id: string): Promise<PublicBusinessConfigResponseDto> {
    return { success: true, config: toPublicConfigDto(await this.tenants.getCached(id)) };
  }
}
