import { Body, Controller, Header, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';

import { PublicApi } from 'src/common/auth/public-api.decorator';
import { VoiceWebhookService } from 'src/voice/twilio/voice-webhook.service';

/** Twilio posts every call parameter; they are checked by signature, not by a DTO (unknown fields are normal). */
type TwilioForm = Record<string, string>;

@ApiTags('voice')
@PublicApi()
@Controller('voice')
export class VoiceWebhookController {
  constructor(private readonly webhooks: VoiceWebhookService) {}

  @Post('incoming')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: 'Twilio voice webhook: answers with TwiML that connects the call to the media stream' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiQuery({
    name: 'business_id',
    required: false,
    example: 'acme-plumbing',
    description: 'Tenant; else resolved from the called number (To)',
  })
  @ApiOkResponse({ description: 'TwiML <Connect><Stream>, or a polite <Say> + <Hangup/> when voice is unavailable' })
  @ApiForbiddenResponse({ description: 'X-Twilio-Signature does not match' })
  answerIncomingCall(
    @Req() req: Request,
    @Body() body: TwilioForm,
    @Query('business_id') businessId?: string,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    return this.webhooks.answerIncoming({
      pathAndQuery: req.originalUrl,
      businessIdParam: businessId,
      signature,
      params: formParams(body),
    });
  }

  @Post('stream-ended')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: 'Twilio <Connect> action: after the stream, says goodbye or apologises, then hangs up' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiQuery({ name: 'business_id', required: true, example: 'acme-plumbing' })
  @ApiOkResponse({ description: 'TwiML ending the call' })
  @ApiForbiddenResponse({ description: 'X-Twilio-Signature does not match' })
  answerStreamEnded(
    @Req() req: Request,
    @Body() body: TwilioForm,
    @Query('business_id') businessId?: string,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<string> {
    return this.webhooks.answerStreamEnded({
      pathAndQuery: req.originalUrl,
      businessIdParam: businessId,
      signature,
      params: formParams(body),
    });
  }
}

/** Only string fields take part in the signature; anything else (a JSON body) cannot be a genuine Twilio post. */
function formParams(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
