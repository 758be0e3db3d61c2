import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';

import { CRM_TYPES, CrmType } from 'src/crm/crm-adapter.port';

export class PutCrmConfigDto {
  @ApiProperty({ enum: CRM_TYPES, example: 'hubspot' })
  @IsIn(CRM_TYPES)
  type: CrmType;

  @ApiPropertyOptional({
    description:
      'Per type. hubspot: {accessToken, clientSecret?}. salesforce: {instanceUrl, accessToken} or {refreshToken, clientId, clientSecret, instanceUrl?}. ' +
      'webhook: {apiKey? | bearerToken? | username+password? | hmacSecret?, inboundSecret?}. builtin: none. ' +
      'Send "********" to keep a stored value.',
    example: { accessToken: 'pat-na1-00000000-0000-0000-0000-000000000000' },
  })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Platform field → CRM field name (null drops it), plus constant custom fields',
    example: { fields: { message: 'hs_content_membership_notes' }, constants: { lead_source_detail: 'AI concierge' } },
  })
  @IsOptional()
  @IsObject()
  fieldMapping?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'Per type, e.g. hubspot {pipeline, dealStage, apiBaseUrl}; webhook {auth, operations}; salesforce {contactObject, opportunityStage}',
    example: { pipeline: 'default', dealStage: 'appointmentscheduled' },
  })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

export class CrmConfigResponseDto {
  @ApiProperty({ enum: CRM_TYPES, example: 'hubspot' })
  type: CrmType;

  @ApiProperty({
    description: 'False when the tenant uses the default builtin CRM without a stored connection',
    example: true,
  })
  configured: boolean;

  @ApiProperty({ description: 'Every value redacted', example: { accessToken: '********' } })
  credentials: Record<string, string>;

  @ApiProperty({ example: { fields: { message: 'notes' }, constants: { lead_source: 'chatbot' } } })
  fieldMapping: Record<string, unknown>;

  @ApiProperty({ example: { pipeline: 'default', dealStage: 'appointmentscheduled' } })
  options: Record<string, unknown>;

  @ApiProperty({ type: Date, nullable: true, example: '2026-11-25T14:00:00.000Z' })
  updatedAt: Date | null;
}

export class CrmTestResponseDto {
  @ApiProperty({ enum: CRM_TYPES, example: 'hubspot' })
  type: CrmType;

  @ApiProperty({ example: false })
  ok: boolean;

  @ApiProperty({ example: 'The CRM rejected the credentials (HTTP 401). Check the token or keys and save them again.' })
  message: string;
}

class CrmStageDto {
  @ApiProperty({ example: 'appointmentscheduled' })
  id: string;

  @ApiProperty({ example: 'Appointment scheduled' })
  label: string;
}

export class CrmPipelineDto {
  @ApiProperty({ example: 'default' })
  id: string;

  @ApiProperty({ example: 'Sales pipeline' })
  label: string;

  @ApiProperty({ type: [CrmStageDto] })
  stages: CrmStageDto[];
}
