import { Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
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
import { UnansweredRecheckDto, UnansweredReportDto } from 'src/analytics/dto/unanswered.dto';
import { UnansweredService } from 'src/analytics/unanswered/unanswered.service';
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
    private readonly unanswered: UnansweredService,
  ) {}

  @Get('analytics/unanswered')
  @ApiOperation({
    summary: 'Questions the assistant could not answer, clustered by similarity, largest first',
    description:
      'Reads the latest 5,000 unanswered replies of the range (low retrieval confidence or a "don\'t know" reply) ' +
      'with the visitor question before each, and clusters them with the local embedder (cosine ≥ 0.4 to the ' +
      "cluster's most asked question).",
  })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiQuery(RANGE[0])
  @ApiQuery(RANGE[1])
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved', 'all'], description: 'Default all' })
  @ApiQuery({ name: 'limit', required: false, description: 'Clusters returned, 1–200, default 50' })
  @ApiOkResponse({ type: UnansweredReportDto })
  @ApiBadRequestResponse({ description: 'Bad dates, status or limit (coded ANALYTICS.*)' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  listUnanswered(@Param('id') id: string, @Query() query: RawQuery): Promise<UnansweredReportDto> {
    return this.unanswered.report(id, query);
  }

  @Post('analytics/unanswered/recheck')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search the open clusters again in the knowledge base and mark the ones it now answers resolved',
    description:
      'For the open clusters of the range last asked before the active knowledge-base version went live (at most ' +
      'the 100 largest, 5 questions each): a cluster is resolved when each question now retrieves passages above ' +
      "the tenant's confidence threshold, as chat grounding searches them.",
  })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiQuery(RANGE[0])
  @ApiQuery(RANGE[1])
  @ApiOkResponse({ type: UnansweredRecheckDto })
  @ApiBadRequestResponse({ description: 'Bad dates (coded ANALYTICS.*)' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  recheckUnanswered(@Param('id') id: string, @Query() query: RawQuery): Promise<UnansweredRecheckDto> {
    return this.unanswered.recheck(id, query);
  }

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
