import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Upper bound enforced by the DTO; the configured MAX_MESSAGE_CHARS (lower) is enforced by ChatService. */
export const ABSOLUTE_MAX_MESSAGE_CHARS = 100_000;

export class ChatRequestDto {
  @ApiProperty({ example: 'goaccel-website', description: 'The tenant the widget belongs to' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  business_id: string;

  @ApiProperty({
    example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10',
    description: '8–128 chars of [A-Za-z0-9_-]; use a random UUID',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,128}$/, { message: 'session_id must be 8–128 characters of A-Z, a-z, 0-9, _ or -' })
  session_id: string;

  @ApiProperty({ example: 'What services do you offer?', description: 'May be blank only when cta_id is given' })
  @IsString()
  @MaxLength(ABSOLUTE_MAX_MESSAGE_CHARS)
  message: string;

  @ApiPropertyOptional({ example: 'sales', description: 'Id of the clicked CTA button' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  cta_id?: string;
}
