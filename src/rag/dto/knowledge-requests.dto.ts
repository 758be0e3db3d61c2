import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';

import { MAX_K } from 'src/rag/search/knowledge-search.service';

export class CrawlRequestDto {
  @ApiProperty({ example: 'https://acme.example.com' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ example: 50, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxPages?: number;

  @ApiPropertyOptional({ example: 3, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  maxDepth?: number;

  @ApiPropertyOptional({ example: 'Website' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;
}

export class LegacyScrapeRequestDto {
  @ApiPropertyOptional({ example: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxPages?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  maxDepth?: number;
}

export class FileUploadFieldsDto {
  @ApiPropertyOptional({ example: 'Manuals' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;
}

export class SearchQueryDto {
  @ApiProperty({ example: 'Do you offer emergency plumbing?' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  q: string;

  @ApiPropertyOptional({ example: 5, default: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_K)
  k?: number;

  @ApiPropertyOptional({ example: 'Services' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ example: 'https://acme.example.com/services/', description: 'URL prefix of the source page' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  source?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Only documents updated since this instant' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value ? new Date(value) : value))
  @IsDate({ message: 'updatedSince must be an ISO 8601 date' })
  updatedSince?: Date;
}
