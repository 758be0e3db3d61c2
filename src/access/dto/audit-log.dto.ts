import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class AuditLogQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ example: '1042', description: 'nextCursor from the previous page' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'cursor must be a nextCursor returned by this endpoint' })
  cursor?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '1042' })
  id: string;

  @ApiProperty({ example: '2026-11-30T21:15:02.118Z' })
  createdAt: string;

  @ApiProperty({
    example: '9b2f8e1c-4a3d-4f5e-8c7b-1d2e3f4a5b6c',
    description: 'The tenant key id, or "platform"; never the key',
  })
  keyId: string;

  @ApiProperty({ example: 'editor', enum: ['platform', 'owner', 'editor', 'viewer'] })
  role: string;

  @ApiProperty({ example: 'PUT' })
  method: string;

  @ApiProperty({ example: '/admin/business/:id/crm', description: 'The route pattern, not the URL' })
  route: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'goaccel-website',
    description: 'The business the request named',
  })
  businessId: string | null;

  @ApiProperty({ example: 200, description: 'HTTP status of the answer; failed writes are recorded too' })
  status: number;

  @ApiProperty({ type: String, nullable: true, example: '5d0f4c2e-8a1b-4c3d-9e8f-7a6b5c4d3e2f' })
  requestId: string | null;
}

export class AuditPageDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: [AuditEntryDto] })
  entries: AuditEntryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: '1000',
    description: 'Pass as cursor for older entries; null on the last page',
  })
  nextCursor: string | null;
}
