import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';

import { PublicApi } from 'src/common/auth/public-api.decorator';
import { CrmInboundService } from 'src/crm/inbound/crm-inbound.service';

export class CrmWebhookAckDto {
  @ApiProperty({ description: 'Events understood in the request', example: 2 })
  received: number;

  @ApiProperty({ description: 'Events that changed a stored contact or deal', example: 1 })
  applied: number;
}

@ApiTags('crm-webhooks')
@PublicApi()
@Controller('crm/webhooks')
export class CrmWebhooksController {
  constructor(private readonly inbound: CrmInboundService) {}

  @Post(':business_id/:type')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Inbound CRM events (e.g. deal stage changes). HubSpot: signature v3 with the app client secret. webhook: X-CRM-Webhook-Secret.',
  })
  @ApiParam({ name: 'business_id', example: 'goaccel-website' })
  @ApiParam({ name: 'type', enum: ['hubspot', 'webhook'], example: 'hubspot' })
  @ApiHeader({ name: 'X-HubSpot-Signature-v3', required: false })
  @ApiHeader({ name: 'X-HubSpot-Request-Timestamp', required: false })
  @ApiHeader({ name: 'X-CRM-Webhook-Secret', required: false })
  @ApiBody({
    description:
      'HubSpot: its array of events. webhook: {events: [{object: "deal"|"contact", id, stage?, properties?}]}',
    schema: {
      example: [
        {
          subscriptionType: 'deal.propertyChange',
          objectId: 1001,
          propertyName: 'dealstage',
          propertyValue: 'closedwon',
        },
      ],
    },
  })
  @ApiOkResponse({ type: CrmWebhookAckDto })
  @ApiUnauthorizedResponse({ description: 'Signature or secret missing or invalid' })
  receiveCrmWebhook(
    @Param('business_id') businessId: string,
    @Param('type') type: string,
    @Req() req: Request & { rawBody?: Buffer },
    @Body() body: unknown,
  ): Promise<CrmWebhookAckDto> {
    // Signatures cover the exact bytes: rawBody when the app keeps it, else compact JSON (what HubSpot sends).
    const rawBody = Buffer.isBuffer(req.rawBody)
      ? req.rawBody.toString('utf8')
      : body === undefined
        ? ''
        : JSON.stringify(body);
    return this.inbound.receive(businessId, type, {
      method: req.method,
      originalUrl: req.originalUrl,
      origin: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      rawBody,
      headers: req.headers,
      body,
    });
  }
}
