import { ApiProperty } from '@nestjs/swagger';

export class HandoffDto {
  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' }) sessionId: string;
  @ApiProperty({ enum: ['chat', 'voice'], example: 'chat' }) channel: 'chat' | 'voice';
  @ApiProperty({ example: 'intent:human_handoff', description: 'intent:human_handoff, negative_sentiment:<n>' })
  reason: string;
  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' }) handedOffAt: string;
}

export class HandoffListDto {
  @ApiProperty({ type: [HandoffDto] }) handoffs: HandoffDto[];
}

export class ReleaseResponseDto {
  @ApiProperty({ example: true }) released: boolean;
}
