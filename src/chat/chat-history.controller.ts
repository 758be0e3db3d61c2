import { Controller, Get, Headers, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';

import { ChatHistoryService } from 'src/chat/chat-history.service';
import { ChatHistoryQueryDto, ChatHistoryResponseDto } from 'src/chat/dto/chat-history.dto';
import { ChatRateLimitGuard } from 'src/chat/rate-limit/chat-rate-limit.guard';
import { SESSION_TOKEN_HEADER } from 'src/chat/session-access';
import { PublicApi } from 'src/common/auth/public-api.decorator';
import { TenantOriginGuard } from 'src/tenant/tenant-origin.guard';

@ApiTags('chat')
@PublicApi()
@Controller('chat')
export class ChatHistoryController {
  constructor(private readonly history: ChatHistoryService) {}

  @Get('history')
  // Reads count against the client IP's /chat limits (not the conversation's messages): history is a public endpoint.
  @UseGuards(ChatRateLimitGuard, TenantOriginGuard)
  @ApiOperation({
    summary: "The visitor's own conversation, for the widget to show after a reload",
    description:
      'User and assistant messages of one chat session, oldest first, with the buttons shown under each reply. Authorised by the session_token issued with the replies (header X-Session-Token).',
  })
  @ApiHeader({ name: SESSION_TOKEN_HEADER, required: true, description: 'The session_token of an earlier reply' })
  @ApiOkResponse({ type: ChatHistoryResponseDto })
  @ApiBadRequestResponse({ description: 'business_id or session_id missing or malformed' })
  @ApiForbiddenResponse({
    description:
      "session.token_required: no X-Session-Token; session.token_invalid: the token is not this session's (another session, business or secret); session.voice_only: the id is a phone call; TENANT.ORIGIN_NOT_ALLOWED: a browser page the business does not allow",
  })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMIT.IP: too many requests from this client IP (Retry-After)' })
  getChatHistory(
    @Query() query: ChatHistoryQueryDto,
    @Headers(SESSION_TOKEN_HEADER) token?: string,
  ): Promise<ChatHistoryResponseDto> {
    return this.history.history(query.business_id, query.session_id, token);
  }
}
