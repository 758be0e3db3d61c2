import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { VoiceConfigService } from 'src/voice/config/voice-config.service';
import { PutVoiceConfigDto, VoiceConfigResponseDto } from 'src/voice/dto/voice-config.dto';

@ApiTags('admin: voice')
@AdminOnly()
@Controller('admin/business/:id/voice')
export class VoiceAdminController {
  constructor(private readonly voice: VoiceConfigService) {}

  @Put()
  @ApiOperation({
    summary: "Set the business's phone assistant: numbers, Twilio token (encrypted at rest), voice and limits",
  })
  @ApiParam({ name: 'id', example: 'acme-plumbing' })
  @ApiOkResponse({ type: VoiceConfigResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid field (named in the message), or no token on first configuration' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  @ApiConflictResponse({ description: 'A number already belongs to another business' })
  async putVoiceConfig(@Param('id') id: string, @Body() dto: PutVoiceConfigDto): Promise<VoiceConfigResponseDto> {
    return { success: true, voice: await this.voice.put(id, dto) };
  }

  @Get()
  @ApiOperation({ summary: "The business's phone assistant settings, token redacted" })
  @ApiParam({ name: 'id', example: 'acme-plumbing' })
  @ApiOkResponse({ type: VoiceConfigResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business, or voice never configured' })
  async getVoiceConfig(@Param('id') id: string): Promise<VoiceConfigResponseDto> {
    return { success: true, voice: await this.voice.get(id) };
  }
}
