import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class JobAcceptedDto {
  @ApiProperty({ example: '3f1c2d5e-8a4b-4c1d-9e2f-7a6b5c4d3e2f' })
  jobId: string;

  @ApiProperty({ example: 'queued' })
  status: string;
}

export class JobStatusDto {
  @ApiProperty({ example: '3f1c2d5e-8a4b-4c1d-9e2f-7a6b5c4d3e2f' })
  jobId: string;

  @ApiProperty({ example: 'documents', enum: ['documents', 'files', 'crawl'] })
  kind: string;

  @ApiProperty({ example: 'completed', enum: ['queued', 'running', 'completed', 'failed'] })
  status: string;

  @ApiProperty({ example: 100, minimum: 0, maximum: 100 })
  progress: number;

  @ApiProperty({ type: String, example: 'Completed: version 3 is active (12 chunks added, 2 removed)', nullable: true })
  message: string | null;

  @ApiProperty({ example: { documents: 120, chunks: 78, added: 12, removed: 2, boilerplate: 80, duplicates: 0 } })
  counts: Record<string, number>;

  @ApiProperty({
    type: Number,
    example: 3,
    nullable: true,
    description: 'Knowledge-base version the job created (null if none)',
  })
  version: number | null;

  @ApiProperty({ example: '2026-01-26T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-01-26T10:00:04.000Z', nullable: true })
  finishedAt: string | null;
}

export class KnowledgeDocumentDto {
  @ApiProperty({ example: '6d0f7a9e-1b2c-4d3e-8f9a-0b1c2d3e4f5a' })
  documentId: string;

  @ApiProperty({ type: String, example: 'https://acme.example.com/pricing', nullable: true })
  url: string | null;

  @ApiProperty({ type: String, example: 'Pricing', nullable: true })
  title: string | null;

  @ApiProperty({ type: String, example: 'Services', nullable: true })
  category: string | null;

  @ApiProperty({ example: 'json', enum: ['json', 'ndjson', 'file', 'crawl'] })
  sourceType: string;

  @ApiProperty({ example: 4, description: 'Chunks of the document in the active version' })
  chunkCount: number;

  @ApiProperty({ example: 3, description: 'Of those, chunks served by search (boilerplate and duplicates are not)' })
  searchableChunkCount: number;

  @ApiProperty({ example: '2026-01-26T10:00:04.000Z' })
  updatedAt: string;
}

export class KnowledgeDocumentListDto {
  @ApiProperty({ type: Number, example: 3, nullable: true })
  version: number | null;

  @ApiProperty({ example: 1 })
  total: number;

  @ApiProperty({ example: 4 })
  totalChunks: number;

  @ApiProperty({ type: [KnowledgeDocumentDto] })
  documents: KnowledgeDocumentDto[];
}

export class DeleteDocumentResponseDto {
  @ApiProperty({ example: '6d0f7a9e-1b2c-4d3e-8f9a-0b1c2d3e4f5a' })
  documentId: string;

  @ApiProperty({ example: 4, description: 'The new active version without the document' })
  version: number;
}

export class KnowledgeVersionDto {
  @ApiProperty({ example: 3 })
  version: number;

  @ApiProperty({ example: true })
  active: boolean;

  @ApiProperty({ example: 'ingest', enum: ['ingest', 'delete'] })
  reason: string;

  @ApiProperty({ type: String, example: '3f1c2d5e-8a4b-4c1d-9e2f-7a6b5c4d3e2f', nullable: true })
  jobId: string | null;

  @ApiProperty({ example: 120 })
  documentCount: number;

  @ApiProperty({ example: 78, description: 'Searchable chunks' })
  chunkCount: number;

  @ApiProperty({ example: { added: 12, removed: 2 } })
  stats: Record<string, number>;

  @ApiProperty({ example: '2026-01-26T10:00:04.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-01-26T10:00:04.000Z', nullable: true })
  activatedAt: string | null;
}

export class KnowledgeVersionListDto {
  @ApiProperty({ type: Number, example: 3, nullable: true })
  activeVersion: number | null;

  @ApiProperty({ type: [KnowledgeVersionDto] })
  versions: KnowledgeVersionDto[];
}

export class ActivateVersionResponseDto {
  @ApiProperty({ example: 2 })
  activeVersion: number;

  @ApiProperty({ type: Number, example: 3, nullable: true })
  previousVersion: number | null;
}

export class KnowledgeIndexHealthDto {
  @ApiProperty({ example: 78 })
  vectors: number;

  @ApiProperty({ example: 1024 })
  capacity: number;

  @ApiProperty({ example: 'disk', enum: ['cache', 'disk', 'rebuilt'], nullable: true })
  lastOpenSource: string | null;

  @ApiPropertyOptional({ example: 'missing', description: 'Why the index was last rebuilt, when it was' })
  rebuildReason?: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-01-26T10:00:04.000Z', nullable: true })
  lastPersistedAt: string | null;
}

export class KnowledgeHealthDto {
  @ApiProperty({ type: Number, example: 3, nullable: true })
  activeVersion: number | null;

  @ApiProperty({ example: 120 })
  documents: number;

  @ApiProperty({ example: 78 })
  chunks: number;

  @ApiProperty({ example: 'local-hash-v1-768' })
  embeddingModel: string;

  @ApiProperty({ example: 768 })
  embeddingDimension: number;

  @ApiProperty({ type: KnowledgeIndexHealthDto, nullable: true })
  index: KnowledgeIndexHealthDto | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2026-01-26T10:00:04.000Z',
    nullable: true,
    description: 'When the last version was built',
  })
  lastBuildAt: string | null;

  @ApiProperty({ example: false, description: 'True when this instance found its index behind the active version' })
  stale: boolean;
}

export class SearchResultDto {
  @ApiProperty({ example: '1042' })
  chunkId: string;

  @ApiProperty({ example: '6d0f7a9e-1b2c-4d3e-8f9a-0b1c2d3e4f5a' })
  documentId: string;

  @ApiProperty({ type: String, example: 'https://acme.example.com/pricing', nullable: true })
  url: string | null;

  @ApiProperty({ type: String, example: 'Pricing', nullable: true })
  title: string | null;

  @ApiProperty({ example: 'Drain cleaning starts at $149.' })
  text: string;

  @ApiProperty({ type: String, example: 'Services', nullable: true })
  category: string | null;

  @ApiProperty({ example: 0.91 })
  score: number;

  @ApiProperty({ example: 0.48 })
  vectorScore: number;

  @ApiProperty({ example: 0.33 })
  keywordScore: number;
}

export class SearchResponseDto {
  @ApiProperty({ type: [SearchResultDto] })
  results: SearchResultDto[];

  @ApiProperty({ example: 0.72 })
  confidence: number;

  @ApiProperty({ type: Number, example: 3, nullable: true })
  version: number | null;
}

/** Legacy shape of GET /admin/business/:id/scraping-status. */
export class ScrapingStatusDto {
  @ApiProperty({ example: 'goaccel-website' })
  businessId: string;

  @ApiProperty({ example: 'running', enum: ['idle', 'queued', 'running', 'completed', 'failed'] })
  status: string;

  @ApiProperty({ example: 40 })
  progress: number;

  @ApiProperty({ type: String, example: 'Crawled 20 of 50 pages', nullable: true })
  message: string | null;

  @ApiProperty({ type: String, example: '3f1c2d5e-8a4b-4c1d-9e2f-7a6b5c4d3e2f', nullable: true })
  jobId: string | null;

  @ApiProperty({ example: { pagesCrawled: 20 } })
  counts: Record<string, number>;
}
