import { Body, Controller, Headers, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';

import { ChatService } from 'src/chat/chat.service';
import { ChatRequestDto } from 'src/chat/dto/chat-request.dto';
import { ChatResponseDto } from 'src/chat/dto/chat-response.dto';
import { ChatRateLimitGuard } from 'src/chat/rate-limit/chat-rate-limit.guard';
import { SESSION_TOKEN_HEADER } from 'src/chat/session-access';
import { writeSse } from 'src/chat/streaming/sse';
import { PublicApi } from 'src/common/auth/public-api.decorator';
import { JsonBodyGuard } from 'src/common/http/json-body.guard';
import { TenantOriginGuard } from 'src/tenant/tenant-origin.guard';

// On each handler, not the controller: Swagger merges a handler's @ApiHeader with its @Headers() parameter of the
// same name, whereas a controller-level one would list the header twice.
const ApiSessionTokenHeader = () =>
  ApiHeader({
    name: SESSION_TOKEN_HEADER,
    required: false,
    description: 'Alternative to the body field session_token',
  });

const FORBIDDEN_DESCRIPTION =
  'session.token_required: the session exists and no session_token was sent; session.token_invalid: the token does not belong to this session; session.voice_only: the session_id is a phone call (Twilio CallSid). Nothing is written.';

@ApiTags('chat')
@PublicApi()
// In this order: the content type and the per-IP limit cost no tenant lookup; the origin check needs the tenant.
@UseGuards(JsonBodyGuard, ChatRateLimitGuard, TenantOriginGuard)
@ApiUnsupportedMediaTypeResponse({ description: 'Content-Type is not application/json' })
@ApiForbiddenResponse({ description: "Browser request from an origin the business's allowedOrigins does not list" })
@Controller('chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @HttpCode(200)
  @ApiSessionTokenHeader()
  @ApiOperation({ summary: 'Send a message (or a CTA click) and get the assistant reply' })
  @ApiOkResponse({ type: ChatResponseDto })
  @ApiBadRequestResponse({
    description: 'Invalid field (named in the message), blank message without cta_id, or unknown cta_id',
  })
  @ApiForbiddenResponse({ description: FORBIDDEN_DESCRIPTION })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  @ApiTooManyRequestsResponse({ description: 'Rate limited; see Retry-After' })
  sendChatMessage(
    @Body() dto: ChatRequestDto,
    @Headers(SESSION_TOKEN_HEADER) headerToken?: string,
  ): Promise<ChatResponseDto> {
    return this.chat.reply(dto, headerToken);
  }

  @Post('stream')
  @HttpCode(200)
  @ApiSessionTokenHeader()
  @ApiOperation({
    summary: 'Same as POST /chat, streamed as Server-Sent Events',
    description:
      'Events: `delta` {text} as the reply is generated, then `ctas` {ctas}, `sources` {sources}, and `done` with the full validated reply (identical to POST /chat, including `session_id` and `session_token`), or `error` {message, code}. Render `done.response` as the final text.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'delta, ctas, sources, then done (or error) events',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'event: delta\ndata: {"text":"We offer same-day repairs."}\n\nevent: done\ndata: {"response":"We offer same-day repairs.","session_id":"3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10","session_token":"v1.o0Vh3Yt5m3kq1Jc8yFQH0m8bXo3x7m3J2YdM1l8E2kA"}\n\n',
        },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'Invalid field, answered as JSON before the stream starts' })
  @ApiForbiddenResponse({ description: `${FORBIDDEN_DESCRIPTION} Answered as JSON before the stream starts.` })
  @ApiNotFoundResponse({ description: 'Unknown business, answered as JSON before the stream starts' })
  async streamChatMessage(
    @Body() dto: ChatRequestDto,
    @Res() res: Response,
    @Headers(SESSION_TOKEN_HEADER) headerToken?: string,
  ): Promise<void> {
    await writeSse(res, await this.chat.openStream(dto, headerToken));
  }
}
