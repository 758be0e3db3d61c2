import { Body, Controller, Delete, Get, Header, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import {
  CreatedTenantKeyDto,
  CreateTenantKeyDto,
  RevokedTenantKeyDto,
  TenantKeyListDto,
} from 'src/access/dto/tenant-key.dto';
import { TenantKeysService } from 'src/access/tenant-keys.service';
import { AdminAccess } from 'src/common/auth/admin-access.policy';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';

@ApiTags('admin: access keys')
@AdminOnly()
@AdminAccess({ minRole: 'owner' })
@ApiParam({ name: 'id', example: 'goaccel-website', description: 'Business id' })
@ApiNotFoundResponse({ description: 'Unknown business' })
@Controller('admin/business/:id/keys')
export class TenantKeysController {
  constructor(private readonly keys: TenantKeysService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create an API key for this business; the key is in this response only' })
  @ApiCreatedResponse({ type: CreatedTenantKeyDto })
  @ApiBadRequestResponse({ description: 'Missing name or unknown role' })
  @ApiConflictResponse({ description: 'The business already holds the maximum number of active keys' })
  createTenantKey(@Param('id') id: string, @Body() dto: CreateTenantKeyDto): Promise<CreatedTenantKeyDto> {
    return this.keys.create(id, dto);
  }

  @Get()
  @ApiOperation({ summary: "This business's API keys, revoked ones included, without their secrets" })
  @ApiOkResponse({ type: TenantKeyListDto })
  async listTenantKeys(@Param('id') id: string): Promise<TenantKeyListDto> {
    return { success: true, keys: await this.keys.list(id) };
  }

  @Delete(':keyId')
  @ApiOperation({ summary: 'Revoke an API key, at once on every instance' })
  @ApiParam({ name: 'keyId', example: '9b2f8e1c-4a3d-4f5e-8c7b-1d2e3f4a5b6c' })
  @ApiOkResponse({ type: RevokedTenantKeyDto })
  async revokeTenantKey(
    @Param('id') id: string,
    @Param('keyId', new ParseUUIDPipe()) keyId: string,
  ): Promise<RevokedTenantKeyDto> {
    return { success: true, key: await this.keys.revoke(id, keyId) };
  }
}
