import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export const MAX_DOCUMENTS_PER_REQUEST = 10_000;
export const MAX_DOCUMENT_CHARS = 2_000_000;

export class KnowledgeDocumentInputDto {
  @ApiPropertyOptional({ example: 'https://acme.example.com/pricing' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: 'Pricing' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @ApiProperty({ example: 'Drain cleaning starts at $149. Emergency call-outs are available 24/7.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DOCUMENT_CHARS)
  text: string;

  @ApiPropertyOptional({ example: 'Services' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ example: { language: 'en' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

/** JSON body of POST knowledge/documents (an NDJSON body in the legacy crawl format is accepted too). */
export class IngestDocumentsDto {
  @ApiProperty({ type: [KnowledgeDocumentInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DOCUMENTS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => KnowledgeDocumentInputDto)
  documents: KnowledgeDocumentInputDto[];
}
