import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { IngestDocumentsDto } from 'src/rag/dto/ingest-documents.dto';
import { CrawlRequestDto, FileUploadFieldsDto, SearchQueryDto } from 'src/rag/dto/knowledge-requests.dto';
import {
  ActivateVersionResponseDto,
  DeleteDocumentResponseDto,
  JobAcceptedDto,
  JobStatusDto,
  KnowledgeDocumentListDto,
  KnowledgeHealthDto,
  KnowledgeVersionListDto,
  SearchResponseDto,
} from 'src/rag/dto/knowledge-responses.dto';
import { KnowledgeJobsService, UploadedFile as KnowledgeFile } from 'src/rag/jobs/knowledge-jobs.service';
import { KnowledgeBaseService } from 'src/rag/knowledge-base.service';
import { KnowledgeSearchService } from 'src/rag/search/knowledge-search.service';

const LEGACY_LINE = {
  url: 'https://acme.example.com/about',
  title: 'About | Acme',
  text: 'Acme Plumbing has served the Bay Area since 1998.',
  checksum: 'dd9b7c84…',
  fetched_at: 1770320469.01,
  chunk_id: 'https://acme.example.com/about#chunk-0',
  category: 'About',
};

@ApiTags('knowledge')
@AdminOnly()
@ApiParam({ name: 'id', example: 'goaccel-website', description: 'Business id' })
@ApiNotFoundResponse({ description: 'Unknown business (or job, document, version)' })
@ApiExtraModels(IngestDocumentsDto)
@Controller('admin/business/:id/knowledge')
export class KnowledgeController {
  constructor(
    private readonly jobs: KnowledgeJobsService,
    private readonly kb: KnowledgeBaseService,
    private readonly searcher: KnowledgeSearchService,
  ) {}

  @Post('documents')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue documents for ingestion: JSON {documents:[...]} or NDJSON in the legacy crawl format',
  })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(IngestDocumentsDto) },
        {
          type: 'string',
          description: 'NDJSON: one legacy crawl record per line',
          example: JSON.stringify(LEGACY_LINE),
        },
      ],
    },
  })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  @ApiBadRequestResponse({ description: 'Invalid documents; the message names the field or NDJSON line' })
  ingestDocuments(@Param('id') id: string, @Body() body: unknown): Promise<JobAcceptedDto> {
    return this.jobs.submitDocuments(id, body);
  }

  @Post('files')
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Queue an uploaded PDF, DOCX, HTML, Markdown, TXT or CSV file for ingestion' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, category: { type: 'string', example: 'Manuals' } },
    },
  })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  @ApiBadRequestResponse({ description: 'No file, or an unsupported type' })
  ingestFile(
    @Param('id') id: string,
    @UploadedFile() file: KnowledgeFile | undefined,
    @Body() fields: FileUploadFieldsDto,
  ): Promise<JobAcceptedDto> {
    return this.jobs.submitFile(id, file, fields.category);
  }

  @Post('crawl')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a crawl of a site (sitemap first, same host, robots.txt respected)' })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  crawlSite(@Param('id') id: string, @Body() dto: CrawlRequestDto): Promise<JobAcceptedDto> {
    return this.jobs.submitCrawl(id, dto);
  }

  @Get('jobs/:jobId')
  @ApiOperation({ summary: 'Status, progress and counts of an ingestion job' })
  @ApiParam({ name: 'jobId', example: '3f1c2d5e-8a4b-4c1d-9e2f-7a6b5c4d3e2f' })
  @ApiOkResponse({ type: JobStatusDto })
  getJob(@Param('id') id: string, @Param('jobId') jobId: string): Promise<JobStatusDto> {
    return this.jobs.status(id, jobId);
  }

  @Get('documents')
  @ApiOperation({ summary: 'Documents of the active version with their chunk counts' })
  @ApiOkResponse({ type: KnowledgeDocumentListDto })
  listDocuments(@Param('id') id: string): Promise<KnowledgeDocumentListDto> {
    return this.kb.listDocuments(id);
  }

  @Delete('documents/:docId')
  @ApiOperation({ summary: 'Remove a document; it leaves search before this returns (creates a new version)' })
  @ApiParam({ name: 'docId', example: '6d0f7a9e-1b2c-4d3e-8f9a-0b1c2d3e4f5a' })
  @ApiOkResponse({ type: DeleteDocumentResponseDto })
  deleteDocument(@Param('id') id: string, @Param('docId') docId: string): Promise<DeleteDocumentResponseDto> {
    return this.kb.deleteDocument(id, docId);
  }

  @Get('versions')
  @ApiOperation({ summary: 'Knowledge-base versions, newest first' })
  @ApiOkResponse({ type: KnowledgeVersionListDto })
  listVersions(@Param('id') id: string): Promise<KnowledgeVersionListDto> {
    return this.kb.listVersions(id);
  }

  @Post('versions/:version/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Roll back or forward to a version (no re-embedding)' })
  @ApiParam({ name: 'version', example: 2 })
  @ApiOkResponse({ type: ActivateVersionResponseDto })
  activateVersion(
    @Param('id') id: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<ActivateVersionResponseDto> {
    return this.kb.activateVersion(id, version);
  }

  @Get('health')
  @ApiOperation({ summary: 'Chunk and document counts, embedding model, index size, last build, staleness' })
  @ApiOkResponse({ type: KnowledgeHealthDto })
  getKnowledgeHealth(@Param('id') id: string): Promise<KnowledgeHealthDto> {
    return this.kb.health(id);
  }

  @Get('search')
  @ApiOperation({ summary: 'Hybrid search (vector + full text, fused and re-ranked) over the active version' })
  @ApiOkResponse({ type: SearchResponseDto })
  searchKnowledge(@Param('id') id: string, @Query() query: SearchQueryDto): Promise<SearchResponseDto> {
    return this.searcher.searchForAdmin(id, query);
  }
}
