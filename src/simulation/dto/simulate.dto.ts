import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
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

import { ABSOLUTE_MAX_MESSAGE_CHARS } from 'src/chat/dto/chat-request.dto';
import { UpsertBusinessDto } from 'src/tenant/dto/upsert-business.dto';

export const MAX_SIMULATED_TURNS = 30;

export class SimulatedTurnDto {
  @ApiPropertyOptional({
    example: 'How much does GoAccel cost?',
    description: 'May be blank only when cta_id is given',
  })
  @IsOptional()
  @IsString()
  @MaxLength(ABSOLUTE_MAX_MESSAGE_CHARS)
  message?: string;

  @ApiPropertyOptional({ example: 'book_demo', description: 'Id of a clicked CTA button (of the draft, if any)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  cta_id?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { page: 'https://goaccel.ai/pricing', plan: 'pro' },
    description: 'Session metadata sent with this message, as /chat takes it',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

/** The business config fields a draft may override: everything a save takes except the id. */
export class DraftConfigDto extends OmitType(UpsertBusinessDto, ['businessId'] as const) {}

export class SimulateDto {
  @ApiProperty({
    type: [SimulatedTurnDto],
    minItems: 1,
    maxItems: MAX_SIMULATED_TURNS,
    example: [{ message: 'How much does GoAccel cost?' }, { message: 'We have 12 technicians' }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SIMULATED_TURNS)
  @ValidateNested({ each: true })
  @Type(() => SimulatedTurnDto)
  turns: SimulatedTurnDto[];

  @ApiPropertyOptional({
    type: DraftConfigDto,
    description:
      'Draft overrides of the saved config, as POST /admin/business takes them (absent keys keep the saved value). Checked like a save: 400 TENANT.INVALID_CONFIG with `fields`. Nothing is saved.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DraftConfigDto)
  config?: DraftConfigDto;
}

export class RunTestsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['pricing goes to the qualification flow'],
    description: 'Run only these tests (default: all of them)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  names?: string[];

  @ApiPropertyOptional({
    type: DraftConfigDto,
    description: 'Run the tests against a draft (the saved config with these overrides, its `tests` included)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DraftConfigDto)
  config?: DraftConfigDto;
}
