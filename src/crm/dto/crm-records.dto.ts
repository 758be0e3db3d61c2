import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class CrmListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Only records created before this time (paging)',
    example: '2026-11-25T14:00:00.000Z',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  before?: Date;
}

export class CrmOutboxQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ enum: ['pending', 'processing', 'done', 'failed'], example: 'failed' })
  @IsOptional()
  @IsIn(['pending', 'processing', 'done', 'failed'])
  status?: 'pending' | 'processing' | 'done' | 'failed';
}

export class CrmContactDto {
  @ApiProperty({ example: 'b3c1f6a2-3f0e-4d7c-9a55-0f1c2d3e4f50' })
  id: string;

  @ApiProperty({ example: 'hubspot' })
  crmType: string;

  @ApiProperty({ description: "The contact's id in its CRM", example: '51' })
  externalId: string;

  @ApiProperty({ type: String, nullable: true, example: 'sess-3f9a' })
  sessionId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada' })
  firstName: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Lovelace' })
  lastName: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, example: '+14155550100' })
  phone: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Analytical Engines Ltd' })
  company: string | null;

  @ApiProperty({ example: { message: 'Wants a quote' } })
  fields: Record<string, unknown>;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  updatedAt: Date;
}

export class CrmContactNoteDto {
  @ApiProperty({ example: 'd4e5f6a7-1111-4a2b-8c3d-123456789abc' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'sess-3f9a' })
  sessionId: string | null;

  @ApiProperty({
    example:
      'An unverified visitor (chat, session sess-3f9a) matched this contact and gave details that differ from it.',
  })
  body: string;

  @ApiProperty({ description: 'The differing values by platform field', example: { phone: '+14155550199' } })
  values: Record<string, string>;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  createdAt: Date;
}

export class CrmDealDto {
  @ApiProperty({ example: 'c7d2e0b1-1111-4a2b-8c3d-123456789abc' })
  id: string;

  @ApiProperty({ example: 'builtin' })
  crmType: string;

  @ApiProperty({ example: 'c7d2e0b1-1111-4a2b-8c3d-123456789abc' })
  externalId: string;

  @ApiProperty({ type: String, nullable: true, example: 'b3c1f6a2-3f0e-4d7c-9a55-0f1c2d3e4f50' })
  contactExternalId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'sess-3f9a' })
  sessionId: string | null;

  @ApiProperty({ example: 'Water heater replacement' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'new' })
  stage: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'default' })
  pipeline: string | null;

  @ApiProperty({ type: String, nullable: true, example: '1200.00' })
  amount: string | null;

  @ApiProperty({ example: { source: 'chat' } })
  fields: Record<string, unknown>;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  updatedAt: Date;
}

export class CrmOutboxItemDto {
  @ApiProperty({ example: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' })
  id: string;

  @ApiProperty({ example: 'sess-3f9a:create_deal' })
  idempotencyKey: string;

  @ApiProperty({ type: String, nullable: true, example: 'sess-3f9a' })
  sessionId: string | null;

  @ApiProperty({ enum: ['upsert_contact', 'create_deal'], example: 'create_deal' })
  operation: string;

  @ApiProperty({ enum: ['pending', 'processing', 'done', 'failed'], example: 'failed' })
  status: string;

  @ApiProperty({ example: 8 })
  attempts: number;

  @ApiProperty({ example: '2026-11-25T14:05:00.000Z' })
  nextAttemptAt: Date;

  @ApiProperty({ type: String, nullable: true, example: 'CRM.UNAVAILABLE: HubSpot answered HTTP 503' })
  lastError: string | null;

  @ApiProperty({ nullable: true, example: { dealId: '9001', contactId: '51' } })
  result: Record<string, unknown> | null;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  updatedAt: Date;
}
