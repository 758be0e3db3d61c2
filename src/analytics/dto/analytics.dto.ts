import { ApiProperty } from '@nestjs/swagger';

export class SessionSummaryDto {
  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' }) sessionId: string;
  @ApiProperty({ enum: ['chat', 'voice'], example: 'chat' }) channel: string;
  @ApiProperty({ example: '2026-11-25T14:30:00.000Z' }) startedAt: string;
  @ApiProperty({ example: '2026-11-25T14:34:10.000Z' }) lastActiveAt: string;
  @ApiProperty({ example: 3, description: 'User messages' }) turns: number;
  @ApiProperty({ example: ['email', 'firstName'], description: 'Names of the captured fields, never their values' })
  capturedFields: string[];
  @ApiProperty({ example: true }) leadCaptured: boolean;
  @ApiProperty({ example: { contact: true, deal: false } }) crm: { contact: boolean; deal: boolean };
  @ApiProperty({ example: false, description: 'The session was handed off to a person (open or released since)' })
  handedOff: boolean;
  @ApiProperty({ example: ['vip'] }) tags: string[];
  @ApiProperty({ nullable: true, type: String, example: 'What are your prices?' }) firstMessage: string | null;
}

export class SessionsPageDto {
  @ApiProperty({ type: [SessionSummaryDto] }) sessions: SessionSummaryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'eyJ0IjoiMjAyNi0xMS0yNVQxNDozNDoxMC4wMDBaIn0',
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}

export class AnalyticsBucketDto {
  @ApiProperty({ example: '2026-11-25T00:00:00.000Z', description: 'Bucket start (local midnight or hour in tz)' })
  bucket: string;
  @ApiProperty({ example: 120 }) sessions: number;
  @ApiProperty({ example: 64, description: 'Sessions with two user messages or more' }) engaged: number;
  @ApiProperty({ example: 410 }) messages: number;
  @ApiProperty({ example: 18 }) leads: number;
  @ApiProperty({ example: 15 }) crmContacts: number;
  @ApiProperty({ example: 6 }) crmDeals: number;
  @ApiProperty({ example: 9, description: 'Clicks on link CTAs (appointment links)' }) appointmentClicks: number;
  @ApiProperty({ example: 37 }) ctaClicks: number;
  @ApiProperty({ example: 2, description: 'Hand-offs to a person (chat and voice)' }) handoffs: number;
  @ApiProperty({ example: 1, description: 'Replies replaced by the fallback after a provider error' })
  fallbacks: number;
  @ApiProperty({ example: 11, description: 'Low retrieval confidence or a "don\'t know" reply' }) unanswered: number;
  @ApiProperty({ example: 40, description: 'Replies served from the response cache' }) cacheHits: number;
  @ApiProperty({ example: 25, description: 'Replies the cache could have served that came from the model (a miss)' })
  cacheMisses: number;
}

export class AnalyticsTotalsDto extends AnalyticsBucketDto {}

export class CountByKeyDto {
  @ApiProperty({ example: 'pricing' }) key: string;
  @ApiProperty({ example: 12 }) count: number;
}

export class FunnelDto {
  @ApiProperty({ example: 120 }) sessions: number;
  @ApiProperty({ example: 64 }) engaged: number;
  @ApiProperty({ example: 18, description: 'Engaged sessions that captured a lead' }) lead: number;
  @ApiProperty({ example: 15, description: 'Of those, sessions with a CRM contact' }) crmSynced: number;
}

export class LatencyDto {
  @ApiProperty({ nullable: true, type: Number, example: 840 }) p50Ms: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 2100 }) p95Ms: number | null;
}

export class AnalyticsReportDto {
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' }) to: string;
  @ApiProperty({ enum: ['day', 'hour'], example: 'day' }) interval: string;
  @ApiProperty({ example: 'Europe/Oslo' }) tz: string;
  @ApiProperty({ type: AnalyticsTotalsDto, description: 'Bucket fields summed over the range' })
  totals: Omit<AnalyticsTotalsDto, 'bucket'>;
  @ApiProperty({ type: [AnalyticsBucketDto] }) series: AnalyticsBucketDto[];
  @ApiProperty({ type: [CountByKeyDto], description: 'CTA clicks by CTA id' }) ctaClicks: CountByKeyDto[];
  @ApiProperty({ type: [CountByKeyDto] }) intents: CountByKeyDto[];
  @ApiProperty({ type: [CountByKeyDto] }) sentiments: CountByKeyDto[];
  @ApiProperty({ type: FunnelDto }) funnel: FunnelDto;
  @ApiProperty({ type: LatencyDto }) latency: LatencyDto;
}

export class TranscriptEntryDto {
  @ApiProperty({ enum: ['user', 'assistant', 'tool'], example: 'user' }) role: string;
  @ApiProperty({ example: 'What are your prices?' }) content: string;
  @ApiProperty({ example: '2026-11-25T14:30:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, type: Object, example: { name: 'pricing', confidence: 0.82 } })
  intent: { name: string; confidence: number } | null;
  @ApiProperty({ nullable: true, type: Object, example: { label: 'neutral', score: 0 } })
  sentiment: { label: string; score: number } | null;
  @ApiProperty({ example: [], description: 'Rules that fired on this turn, when the rules engine recorded them' })
  rulesFired: unknown[];
  @ApiProperty({ example: [{ title: 'Pricing', url: 'https://acme.example.com/pricing' }] }) sources: unknown[];
  @ApiProperty({ nullable: true, type: Number, example: 840, description: 'Assistant messages: reply latency' })
  latencyMs: number | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'low_confidence or dont_know' })
  unanswered: string | null;
}

export class SessionTranscriptDto {
  @ApiProperty({ example: '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10' }) sessionId: string;
  @ApiProperty({ enum: ['chat', 'voice'], example: 'chat' }) channel: string;
  @ApiProperty({ example: '2026-11-25T14:30:00.000Z' }) startedAt: string;
  @ApiProperty({ example: '2026-11-25T14:34:10.000Z' }) lastActiveAt: string;
  @ApiProperty({ type: [TranscriptEntryDto] }) messages: TranscriptEntryDto[];
}
