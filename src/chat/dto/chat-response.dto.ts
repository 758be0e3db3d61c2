import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CTA_ACTIONS, CtaAction } from 'src/tenant/cta-tree';

export class ChatCtaDto {
  @ApiProperty({ example: 'book_appointment' })
  id: string;

  @ApiProperty({ example: 'Book an Appointment' })
  label: string;

  @ApiProperty({ enum: CTA_ACTIONS, example: 'link' })
  action: CtaAction;

  @ApiPropertyOptional({ example: 'https://calendly.com/acme/demo' })
  url?: string;

  @ApiPropertyOptional({ example: 'How much does it cost?' })
  message?: string;
}

export class ChatSourceDto {
  @ApiProperty({ example: 'Pricing' })
  title: string;

  @ApiProperty({ example: 'https://acme.example.com/pricing' })
  url: string;

  @ApiProperty({ example: 'doc-12#3' })
  chunkId: string;
}

export class ChatResponseDto {
  @ApiProperty({
    example: 'We offer same-day repairs across the city.<br><br>May I have your name?',
    description: 'Validated reply: HTML limited to b, i, u, br, code and http(s) links',
  })
  response: string;

  @ApiPropertyOptional({ type: [ChatCtaDto] })
  ctas?: ChatCtaDto[];

  @ApiPropertyOptional({ type: [ChatSourceDto] })
  sources?: ChatSourceDto[];

  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' })
  session_id: string;
}
