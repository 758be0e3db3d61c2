import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';

/** Upper bound enforced by the DTO; the configured MAX_MESSAGE_CHARS (lower) is enforced by ChatService. */
export const ABSOLUTE_MAX_MESSAGE_CHARS = 100_000;

const MAX_METADATA_KEYS = 20;
const MAX_METADATA_CHARS = 200;

/** Small and flat: a few facts about the embedding page, never a document. */
export function isClientMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_METADATA_KEYS &&
    entries.every(
      ([k, v]) =>
        /^[A-Za-z0-9_.-]{1,64}$/.test(k) &&
        (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'boolean' || typeof v === 'string') &&
        String(v).length <= MAX_METADATA_CHARS,
    )
  );
}

export class ChatRequestDto {
  @ApiProperty({ example: 'goaccel-website', description: 'The tenant the widget belongs to' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  business_id: string;

  @ApiPropertyOptional({
    example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10',
    description:
      'Omit to start a new session (the server generates the id and returns it). 8–128 chars of [A-Za-z0-9_-]; a client-made id should be a random UUID. An id the server has never seen starts a new session; an existing one needs its session_token. Ids shaped like a Twilio CallSid (CA + 32 hex) are refused with 403.',
  })
  // Absent is allowed, null is not: a null id must not become a session called "null".
  @ValidateIf((_o, v) => v !== undefined)
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,128}$/, { message: 'session_id must be 8–128 characters of A-Z, a-z, 0-9, _ or -' })
  session_id?: string;

  @ApiPropertyOptional({
    example: 'v1.o0Vh3Yt5m3kq1Jc8yFQH0m8bXo3x7m3J2YdM1l8E2kA',
    description:
      'The session_token of an earlier reply for this session_id; required to continue an existing session (or send header X-Session-Token). The body wins when both are sent.',
  })
  @ValidateIf((_o, v) => v !== undefined)
  @IsString()
  @MaxLength(256)
  session_token?: string;

  @ApiProperty({ example: 'What services do you offer?', description: 'May be blank only when cta_id is given' })
  @IsString()
  @MaxLength(ABSOLUTE_MAX_MESSAGE_CHARS)
  message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { page: '/pricing', campaign: 'spring' },
    description: `The embedding page's \`data-metadata\`: up to ${MAX_METADATA_KEYS} keys ([A-Za-z0-9_.-]) of strings, numbers or booleans (${MAX_METADATA_CHARS} chars at most). Kept on the session for the business (admin session lookup), never shown to the model.`,
  })
  @IsOptional()
  @ValidateBy({
    name: 'isClientMetadata',
    validator: {
      validate: isClientMetadata,
      defaultMessage: () =>
        `metadata must be an object of at most ${MAX_METADATA_KEYS} keys whose values are strings, numbers or booleans of at most ${MAX_METADATA_CHARS} characters`,
    },
  })
  metadata?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ example: 'sales', description: 'Id of the clicked CTA button' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  cta_id?: string;
}
