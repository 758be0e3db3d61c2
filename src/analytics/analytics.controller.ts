import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
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
import { AnalyticsExportService } from 'src/analytics/analytics-export.service';
import type { RawQuery } from 'src/analytics/analytics-query';
import { AnalyticsReportDto, SessionsPageDto, SessionTranscriptDto } from 'src/analytics/dto/analytics.dto';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';

const RANGE = [
  { name: 'from', required: false, description: 'ISO 8601; default 30 days before `to`' },
  { name: 'to', required: false, description: 'ISO 8601, exclusive; default now' },
];

@ApiTags('admin: analytics')
@AdminOnly()
@Controller('admin/business/:id')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly exports: AnalyticsExportService,
  ) {}

  @Get('sessions/:session_id/transcript')
  @ApiOperation({
    summary: 'A session transcript with intent, sentiment, rules fired, sources and latency per message',
  })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiParam({ name: 'session_id', example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' })
  @ApiOkResponse({ type: SessionTranscriptDto })
  @ApiNotFoundResponse({ description: 'Unknown business, or no transcript for this session' })
  getTranscript(@Param('id') id: string, @Param('session_id') sessionId: string): Promise<SessionTranscriptDto> {
    return this.analytics.transcript(id, sessionId);
  }

  @Get('export')
  @ApiOperation({ summary: 'Sessions or events of a range, streamed as CSV or NDJSON (no message bodies)' })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiQuery(RANGE[0])
  @ApiQuery(RANGE[1])
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'ndjson'] })
  @ApiQuery({ name: 'kind', required: false, enum: ['sessions', 'events'] })
  @ApiOkResponse({ description: 'text/csv or application/x-ndjson, streamed' })
  @ApiBadRequestResponse({ description: 'Bad format, kind or dates (coded ANALYTICS.*)' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  exportRows(@Param('id') id: string, @Query() query: RawQuery): Promise<StreamableFile> {
    return this.exports.export(id, query);
  }

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
