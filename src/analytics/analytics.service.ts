import { Injectable } from '@nestjs/common';

import { AnalyticsRepository, BucketRow } from 'src/analytics/analytics.repository';
import { encodeCursor, parseAnalyticsQuery, parseSessionsQuery, RawQuery } from 'src/analytics/analytics-query';
import { AnalyticsReportDto, SessionsPageDto, SessionTranscriptDto } from 'src/analytics/dto/analytics.dto';
import { SessionErrors } from 'src/session/session.errors';
import { TranscriptService } from 'src/session/transcript.service';
import { TenantService } from 'src/tenant/tenant.service';

const SUMMED: (keyof Omit<BucketRow, 'bucket'>)[] = [
  'sessions',
  'engaged',
  'messages',
  'leads',
  'crmContacts',
  'crmDeals',
  'appointmentClicks',
  'ctaClicks',
  'handoffs',
  'fallbacks',
  'unanswered',
  'cacheHits',
  'cacheMisses',
];

/** A tenant's sessions list and dashboard, read from the transcript and the analytics events. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly tenants: TenantService,
    private readonly analytics: AnalyticsRepository,
    private readonly transcripts: TranscriptService,
  ) {}

  /** The durable transcript with what each message was read as and, for replies, what they rested on. */
  async transcript(businessId: string, sessionId: string): Promise<SessionTranscriptDto> {
    await this.tenants.get(businessId);
    const found = await this.transcripts.get(businessId, sessionId);
    if (!found) throw SessionErrors.notFound(sessionId);
    return {
      sessionId,
      channel: found.channel,
      startedAt: found.startedAt,
      lastActiveAt: found.lastMessageAt,
      messages: found.messages.map((m) => {
        const payload = m.payload ?? {};
        return {
          role: m.role,
          content: m.content,
          createdAt: m.createdAt,
          intent: m.intent,
          sentiment: m.sentiment,
          rulesFired: Array.isArray(payload.rules) ? (payload.rules as unknown[]) : [],
          sources: Array.isArray(payload.sources) ? (payload.sources as unknown[]) : [],
          latencyMs: typeof payload.latencyMs === 'number' ? payload.latencyMs : null,
          unanswered: typeof payload.unanswered === 'string' ? payload.unanswered : null,
        };
      }),
    };
  }

  async listSessions(businessId: string, raw: RawQuery): Promise<SessionsPageDto> {
    const query = parseSessionsQuery(raw, new Date());
    await this.tenants.get(businessId);
    const rows = await this.analytics.listSessions(businessId, query);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      sessions: page.map((r) => ({
        sessionId: r.sessionId,
        channel: r.channel,
        startedAt: r.startedAt.toISOString(),
        lastActiveAt: r.lastMessageAt.toISOString(),
        turns: r.turns,
        capturedFields: r.capturedFields,
        leadCaptured: r.leadCaptured,
        crm: { contact: r.crmContact, deal: r.crmDeal },
        handedOff: r.handedOff,
        tags: r.tags,
        firstMessage: r.firstMessage,
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ startedAt: last.cursorAt, id: last.id }) : null,
    };
  }

  async report(businessId: string, raw: RawQuery): Promise<AnalyticsReportDto> {
    const business = await this.tenants.get(businessId);
    const query = parseAnalyticsQuery(raw, new Date(), business.timezone);
    const rows = await this.analytics.summarize(businessId, query);
    const series = rows.buckets.map((b) => ({ ...b, bucket: new Date(b.bucket).toISOString() }));
    const totals = Object.fromEntries(SUMMED.map((k) => [k, series.reduce((n, b) => n + b[k], 0)])) as Record<
      (typeof SUMMED)[number],
      number
    >;
    // A session spans buckets only once (its first event's), so summing buckets counts each session once.
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      interval: query.interval,
      tz: query.tz,
      totals,
      series,
      ctaClicks: rows.ctaClicks.map((c) => ({ key: c.ctaId, count: c.clicks })),
      intents: rows.intents.map((c) => ({ key: c.intent, count: c.count })),
      sentiments: rows.sentiments.map((c) => ({ key: c.sentiment, count: c.count })),
      funnel: rows.funnel,
      latency: { p50Ms: rows.latency.p50, p95Ms: rows.latency.p95 },
    };
  }
}
