import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

import { ChatCtaDto } from 'src/chat/dto/chat-response.dto';
import { BUSINESS_ID_PATTERN } from 'src/tenant/dto/upsert-business.dto';

export class ChatHistoryQueryDto {
  @ApiProperty({ example: 'goaccel-website', description: 'The tenant the widget belongs to' })
  @IsString()
  @Matches(BUSINESS_ID_PATTERN, { message: 'business_id must be a business id (lower-case letters, digits, _ or -)' })
  business_id: string;

  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10', description: 'The session_id of an earlier reply' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,128}$/, { message: 'session_id must be 8–128 characters of A-Z, a-z, 0-9, _ or -' })
  session_id: string;
}

export class ChatHistoryMessageDto {
  @ApiProperty({ enum: ['user', 'assistant'], example: 'assistant' })
  role: 'user' | 'assistant';

  @ApiProperty({
    example: 'We offer same-day repairs.<br>May I have your name?',
    description: "The visitor's text, or the assistant's validated reply (the same HTML subset as POST /chat)",
  })
  content: string;

  @ApiPropertyOptional({
    type: [ChatCtaDto],
    description: 'The buttons shown with an assistant reply, as they are in the tree today',
  })
  ctas?: ChatCtaDto[];

  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' })
  createdAt: string;
}

export class ChatHistoryResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' }) session_id: string;
  @ApiProperty({ type: [ChatHistoryMessageDto], description: 'Oldest first; empty when nothing was said yet' })
  messages: ChatHistoryMessageDto[];
}
