import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { HandoffListDto, ReleaseResponseDto } from 'src/handoff/dto/handoff.dto';
import { HandoffService } from 'src/handoff/handoff.service';

const LIST_LIMIT = 200;

@ApiTags('admin: hand-off')
@AdminOnly()
@Controller('admin/business/:id')
export class HandoffController {
  constructor(private readonly handoffs: HandoffService) {}

  @Get('handoffs')
  @ApiOperation({ summary: 'Sessions handed off to a person and not yet released (newest first, at most 200)' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: HandoffListDto })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  async list(@Param('id') id: string): Promise<HandoffListDto> {
    const rows = await this.handoffs.list(id, LIST_LIMIT);
    return {
      handoffs: rows.map((h) => ({
        sessionId: h.sessionId,
        channel: h.channel,
        reason: h.reason,
        handedOffAt: h.createdAt.toISOString(),
      })),
    };
  }

  @Post('sessions/:session_id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a handed-off session back to the assistant: its next message gets a model reply' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiParam({ name: 'session_id', example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' })
  @ApiOkResponse({ type: ReleaseResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business, or the session is not handed off (HANDOFF.NOT_HANDED_OFF)' })
  async release(@Param('id') id: string, @Param('session_id') sessionId: string): Promise<ReleaseResponseDto> {
    await this.handoffs.release(id, sessionId);
    return { released: true };
  }
}
