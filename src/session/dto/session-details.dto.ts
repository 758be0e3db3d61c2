import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CapturedFieldsDto {
  @ApiPropertyOptional({ example: 'Jane' }) firstName?: string;
  @ApiPropertyOptional({ example: 'Doe' }) lastName?: string;
  @ApiPropertyOptional({ example: 'jane@example.com' }) email?: string;
  @ApiPropertyOptional({ example: '+14155552671', description: 'E.164' }) phone?: string;
  @ApiPropertyOptional({ example: 'Globex' }) company?: string;
}

export class SessionCrmDto {
  @ApiPropertyOptional({ example: 'ct_8f2a' }) contactId?: string;
  @ApiPropertyOptional({ example: 'dl_19c0' }) dealId?: string;
}

export class TranscriptMessageDto {
  @ApiProperty({ enum: ['user', 'assistant', 'tool'], example: 'user' }) role: string;
  @ApiProperty({ example: 'What are your opening hours?' }) content: string;
  @ApiProperty({ nullable: true, type: String, example: null }) toolName: string | null;
  @ApiProperty({ nullable: true, type: Object, example: null }) payload: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    example: { name: 'pricing', confidence: 0.82 },
    description: 'User messages: the intent the message was read with',
  })
  intent: { name: string; confidence: number } | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    example: { label: 'neutral', score: 0 },
    description: 'User messages: positive | neutral | negative, score -1..1',
  })
  sentiment: { label: string; score: number } | null;
  @ApiProperty({ example: '2026-11-25T14:30:00.000Z' }) createdAt: string;
}

export class SessionDetailsDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' }) sessionId: string;
  @ApiProperty({ enum: ['chat', 'voice'], example: 'chat' }) channel: string;
  @ApiProperty({ description: 'False when the live session expired; the transcript remains', example: true })
  live: boolean;
  @ApiProperty({ type: CapturedFieldsDto }) captured: CapturedFieldsDto;
  @ApiProperty({ example: { email: true, phone: true }, description: 'Locked fields are never asked again' })
  locks: Record<string, boolean>;
  @ApiProperty({ type: SessionCrmDto }) crm: SessionCrmDto;
  @ApiProperty({ example: { provider: 'offline', offline: true } }) metadata: Record<string, unknown>;
  @ApiProperty({
    example: { page: 'https://goaccel.ai/pricing', plan: 'pro' },
    description: 'What the client sent as `metadata` (calls: from, to, callerCountry); the turn context `metadata.*`',
  })
  clientMetadata: Record<string, string | number | boolean>;
  @ApiProperty({ example: { greeted: true, turnCount: 4, awaitingField: 'phone', currentCtaId: null } })
  conversation: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, example: 'The visitor asked about pricing.' }) summary: string | null;
  @ApiProperty({ type: [TranscriptMessageDto] }) transcript: TranscriptMessageDto[];
}

export class DeleteSessionResponseDto {
  @ApiProperty({ example: true }) success: boolean;
}
