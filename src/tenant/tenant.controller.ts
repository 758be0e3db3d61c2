import { createHash } from 'node:crypto';

import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import { PublicApi } from 'src/common/auth/public-api.decorator';
import { toPublicConfigDto } from 'src/tenant/business.mapper';
import { PublicBusinessConfigResponseDto } from 'src/tenant/dto/business-responses.dto';
import { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { TenantOriginGuard } from 'src/tenant/tenant-origin.guard';

@ApiTags('widget')
@PublicApi()
@Controller('api/business')
export class TenantController {
  /** The widget config's validator per cached config object: hashed once per config version, not per request. */
  private readonly etags = new WeakMap<TenantConfig, string>();

  constructor(private readonly tenants: TenantService) {}

  @Get(':id/config')
  @ApiOperation({ summary: 'Public widget configuration (branding, greeting, CTA tree); never the prompt or secrets' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: PublicBusinessConfigResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  @ApiForbiddenResponse({ description: "Browser request from an origin the business's allowedOrigins does not list" })
  @UseGuards(TenantOriginGuard)
  async getPublicConfig(
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublicBusinessConfigResponseDto> {
    const config = await this.tenants.getCached(id);
    const body: PublicBusinessConfigResponseDto = { success: true, config: toPublicConfigDto(config) };
    // Every page view of an embedding site asks for this, so it keeps the validator the app no longer generates
    // (bootstrap): a revalidating browser gets a 304 while the answer is unchanged, across deploys too.
    let etag = this.etags.get(config);
    if (etag === undefined) {
      etag = `W/"${createHash('sha1').update(JSON.stringify(body)).digest('base64url')}"`;
      this.etags.set(config, etag);
    }
    res.setHeader('ETag', etag);
    return body;
  }
}
