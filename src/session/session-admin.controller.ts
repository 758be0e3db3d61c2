import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { DeleteSessionResponseDto, SessionDetailsDto } from 'src/session/dto/session-details.dto';
import { SessionAdminService } from 'src/session/session-admin.service';

@ApiTags('admin: sessions')
@AdminOnly()
@Controller('admin/business/:id/sessions')
export class SessionAdminController {
  constructor(private readonly sessions: SessionAdminService) {}

  @Get(':session_id')
  @ApiOperation({ summary: 'One session as stored: captured fields and locks, CRM ids, metadata and the transcript' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiParam({ name: 'session_id', example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' })
  @ApiOkResponse({ type: SessionDetailsDto })
  @ApiNotFoundResponse({ description: 'Unknown business, or no such session for this business' })
  getSession(@Param('id') id: string, @Param('session_id') sessionId: string): Promise<SessionDetailsDto> {
    return this.sessions.get(id, sessionId);
  }

  @Delete(':session_id')
  @ApiOperation({ summary: 'Forget a session: live state, transcript and its analytics events' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiParam({ name: 'session_id', example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' })
  @ApiOkResponse({ type: DeleteSessionResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown business, or no such session for this business' })
  async deleteSession(
    @Param('id') id: string,
    @Param('session_id') sessionId: string,
  ): Promise<DeleteSessionResponseDto> {
    await this.sessions.delete(id, sessionId);
    return { success: true };
  }
}
