import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { LegacyScrapeRequestDto } from 'src/rag/dto/knowledge-requests.dto';
import { JobAcceptedDto, ScrapingStatusDto } from 'src/rag/dto/knowledge-responses.dto';
import { KnowledgeJobsService } from 'src/rag/jobs/knowledge-jobs.service';

/** Routes the previous platform's admin clients still call. */
@ApiTags('knowledge')
@AdminOnly()
@ApiParam({ name: 'id', example: 'goaccel-website' })
@Controller('admin/business/:id')
export class KnowledgeLegacyController {
  constructor(private readonly jobs: KnowledgeJobsService) {}

  @Post('scrape')
  @HttpCode(202)
  @ApiOperation({ summary: "Legacy: crawl the business's websiteUrl into its knowledge base" })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  scrapeWebsite(@Param('id') id: string, @Body() dto: LegacyScrapeRequestDto): Promise<JobAcceptedDto> {
    return this.jobs.scrapeWebsite(id, dto);
  }

  @Get('scraping-status')
  @ApiOperation({ summary: 'Legacy: status of the latest crawl job' })
  @ApiOkResponse({ type: ScrapingStatusDto })
  getScrapingStatus(@Param('id') id: string): Promise<ScrapingStatusDto> {
    return this.jobs.scrapingStatus(id);
  }
}
