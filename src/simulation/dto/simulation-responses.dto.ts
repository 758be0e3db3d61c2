import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ChatCtaDto, ChatSourceDto } from 'src/chat/dto/chat-response.dto';

export class IntentReadingDto {
  @ApiProperty({ example: 'pricing' }) name: string;
  @ApiProperty({ example: 0.83 }) confidence: number;
}

export class SentimentReadingDto {
  @ApiProperty({ enum: ['positive', 'neutral', 'negative'], example: 'neutral' }) label: string;
  @ApiProperty({ example: 0 }) score: number;
}

export class FlowPositionDto {
  @ApiProperty({ example: 'qualify' }) id: string;
  @ApiProperty({ example: 'ask_team_size' }) state: string;
}

export class HandoffStartDto {
  @ApiProperty({
    example: 'rule:angry_customer',
    description: 'rule:<reason>, intent:human_handoff or negative_sentiment:<n>',
  })
  reason: string;
}

export class DryRunCrmWriteDto {
  @ApiProperty({ enum: ['create_contact', 'update_contact', 'create_deal'], example: 'create_contact' }) tool: string;
  @ApiProperty({ enum: ['upsert_contact', 'create_deal'], example: 'upsert_contact' }) operation: string;
  @ApiProperty({ example: 'dry-run-contact-1', description: 'The made-up id the dry run answered with' }) id: string;
  @ApiPropertyOptional({ example: 'dry-run-contact-1' }) contactId?: string;
  @ApiPropertyOptional({ example: { name: 'GoAccel demo', amount: 500 } }) deal?: Record<string, unknown>;
  @ApiProperty({ example: { email: 'ada@example.com', source: 'chat', sessionId: 'simulation-3f1c2b9e' } })
  fields: Record<string, string>;
}

export class TurnTraceDto {
  @ApiProperty({ example: 1 }) turn: number;
  @ApiProperty({ type: String, nullable: true, example: 'How much does GoAccel cost?' }) message: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) ctaId: string | null;
  @ApiProperty({ example: 'How many technicians are on your team?' }) reply: string;
  @ApiProperty({ type: [ChatCtaDto] }) ctas: ChatCtaDto[];
  @ApiProperty({ type: [ChatSourceDto] }) sources: ChatSourceDto[];
  @ApiProperty({ type: IntentReadingDto, nullable: true }) intent: IntentReadingDto | null;
  @ApiProperty({ type: SentimentReadingDto, nullable: true }) sentiment: SentimentReadingDto | null;
  @ApiProperty({ type: [String], example: ['pricing_qualify'] }) rulesFired: string[];
  @ApiProperty({ type: FlowPositionDto, nullable: true }) flow: FlowPositionDto | null;
  @ApiProperty({ example: false }) flowEnded: boolean;
  @ApiProperty({ example: { email: 'ada@example.com' } }) captured: Record<string, string>;
  @ApiProperty({ type: [String], example: ['sales'] }) tags: string[];
  @ApiProperty({ type: HandoffStartDto, nullable: true }) handoff: HandoffStartDto | null;
  @ApiProperty({ example: false }) handedOff: boolean;
  @ApiProperty({ type: [DryRunCrmWriteDto] }) crmWrites: DryRunCrmWriteDto[];
}

export class SimulationResponseDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: false, description: 'The turns ran against a draft' }) draft: boolean;
  @ApiProperty({ type: [TurnTraceDto] }) turns: TurnTraceDto[];
}

/** An expectation's value: an intent, state, reply text or reason; rule or CTA ids; a hand-off flag. */
const EXPECTATION_VALUE = [
  { type: 'string', nullable: true },
  { type: 'boolean' },
  { type: 'array', items: { type: 'string' } },
];

export class TestFailureDto {
  @ApiProperty({ enum: ['intent', 'rulesFired', 'state', 'ctas', 'replyContains', 'handoff'], example: 'state' })
  field: string;
  @ApiProperty({
    oneOf: EXPECTATION_VALUE,
    example: 'ask_email',
    description: 'What the test expected',
  })
  expected: unknown;

  @ApiProperty({ oneOf: EXPECTATION_VALUE, example: 'ask_team_size', description: 'What the turn did' })
  actual: unknown;
}

export class TestStepResultDto {
  @ApiProperty({ example: 2 }) turn: number;
  @ApiProperty({ example: false }) passed: boolean;
  @ApiProperty({ type: [TestFailureDto] }) failures: TestFailureDto[];
  @ApiProperty({ type: TurnTraceDto }) trace: TurnTraceDto;
}

export class TestResultDto {
  @ApiProperty({ example: 'pricing goes to the qualification flow' }) name: string;
  @ApiProperty({ example: false }) passed: boolean;
  @ApiProperty({ type: [TestStepResultDto] }) steps: TestStepResultDto[];
}

export class TestRunResponseDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: false }) draft: boolean;
  @ApiProperty({ example: 3 }) passed: number;
  @ApiProperty({ example: 1 }) failed: number;
  @ApiProperty({ type: [TestResultDto] }) tests: TestResultDto[];
}
