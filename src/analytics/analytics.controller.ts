import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';

import { AnalyticsService } from 'src/analytics/analytics.service';
import type { RawQuery } from 'src/analytics/analytics-query';
import { AnalyticsReportDto, SessionsPageDto } from 'src/analytics/dto/analytics.dto';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';

const RANGE = [
  { name: 'from', required: false, description: 'ISO 8601; default 30 days before `to`' },
  { name: 'to', required: false, description: 'ISO 8601, exclusive; default now' },
];

@ApiTags('admin: analytics')
@AdminOnly()
@Controller('admin/business/:id')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('sessions')
  @ApiOperation({ summary: 'Sessions newest first, filtered, with a keyset cursor' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiQuery(RANGE[0])
  @ApiQuery(RANGE[1])
  @ApiQuery({ name: 'channel', required: false, enum: ['chat', 'voice'] })
  @ApiQuery({ name: 'intent', required: false, description: 'A user message was read with this intent' })
  @ApiQuery({ name: 'tag', required: false })
  @ApiQuery({ name: 'hasLead', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'handedOff', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'q', required: false, description: 'Words searched in the transcript (full text)' })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiOkResponse({ type: SessionsPageDto })
  @ApiBadRequestResponse({ description: 'A malformed parameter or cursor (coded ANALYTICS.*)' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  listSessions(@Param('id') id: string, @Query() query: RawQuery): Promise<SessionsPageDto> {
    return this.analytics.listSessions(id, query);
  }

  @Get('analytics')
  @ApiOperation({ summary: 'Totals, a time series, distributions, the funnel and reply latency for a range' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiQuery(RANGE[0])
  @ApiQuery(RANGE[1])
  @ApiQuery({ name: 'interval', required: false, enum: ['day', 'hour'] })
  @ApiQuery({ name: 'tz', required: false, description: "IANA time zone of the buckets; default the business's" })
  @ApiOkResponse({ type: AnalyticsReportDto })
  @ApiBadRequestResponse({ description: 'Bad dates, a range too long for the interval, or an unknown tz' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  getAnalytics(@Param('id') id: string, @Query() query: RawQuery): Promise<AnalyticsReportDto> {
    return this.analytics.report(id, query);
  }
}
