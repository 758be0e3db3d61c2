import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export class PutVoiceConfigDto {
  @ApiProperty({ example: true, description: 'Answer calls to these numbers with the assistant' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({
    example: ['+14155550100'],
    description: 'E.164 numbers pointed at /voice/incoming; each belongs to one business at most',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(E164_PATTERN, { each: true, message: 'phoneNumbers must be E.164 numbers like +14155550100' })
  phoneNumbers: string[];

  @ApiPropertyOptional({
    example: '0123456789abcdef0123456789abcdef',
    description:
      'Twilio auth token used to verify webhook signatures. Required the first time; omit to keep the stored one. Stored encrypted, never returned.',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  twilioAuthToken?: string;

  @ApiPropertyOptional({ example: 'Aoede', description: 'Gemini prebuilt voice' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, { message: 'voiceName must be a voice name like Aoede' })
  voiceName?: string;

  @ApiPropertyOptional({ example: 'en-US', description: 'BCP-47 language code for speech' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'language must be a BCP-47 code like en-US' })
  language?: string;

  @ApiPropertyOptional({
    example: 'Thanks for calling Acme Plumbing, how can I help?',
    description: 'Spoken first; defaults to the chat greeting',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  greeting?: string;

  @ApiPropertyOptional({ example: 900, description: 'Calls are ended politely after this many seconds' })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(14400)
  maxCallSeconds?: number;
}

export class VoiceConfigDto {
  @ApiProperty({ example: 'acme-plumbing' }) businessId: string;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: ['+14155550100'] }) phoneNumbers: string[];
  @ApiProperty({ example: '********', description: 'Always redacted' }) twilioAuthToken: string;
  @ApiPropertyOptional({ type: String, example: 'Aoede', nullable: true }) voiceName: string | null;
  @ApiPropertyOptional({ type: String, example: 'en-US', nullable: true }) language: string | null;
  @ApiPropertyOptional({ type: String, example: 'Thanks for calling!', nullable: true }) greeting: string | null;
  @ApiPropertyOptional({ type: Number, example: 900, nullable: true }) maxCallSeconds: number | null;
  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' }) updatedAt: string;
}

export class VoiceConfigResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: VoiceConfigDto }) voice: VoiceConfigDto;
}
