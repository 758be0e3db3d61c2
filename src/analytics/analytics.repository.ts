import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { AnalyticsQuery, SessionsQuery } from 'src/analytics/analytics-query';

export interface SessionRow {
  id: string;
  sessionId: string;
  channel: 'chat' | 'voice';
  startedAt: Date;
  /** started_at at the microsecond precision Postgres keeps (a JS Date would round it), for the cursor. */
  cursorAt: string;
  lastMessageAt: Date;
  turns: number;
  capturedFields: string[];
  leadCaptured: boolean;
  crmContact: boolean;
  crmDeal: boolean;
  handedOff: boolean;
  tags: string[];
  firstMessage: string | null;
}

export interface BucketRow {
  bucket: Date;
  sessions: number;
  engaged: number;
  messages: number;
  leads: number;
  appointmentClicks: number;
  ctaClicks: number;
  handoffs: number;
  fallbacks: number;
  unanswered: number;
  cacheHits: number;
  cacheMisses: number;
  crmContacts: number;
  crmDeals: number;
}

export interface AnalyticsRows {
  buckets: BucketRow[];
  ctaClicks: { ctaId: string; clicks: number }[];
  intents: { intent: string; count: number }[];
  sentiments: { sentiment: string; count: number }[];
  funnel: { sessions: number; engaged: number; lead: number; crmSynced: number };
  latency: { p50: number | null; p95: number | null };
}

/**
 * Sessions newest first with a keyset cursor on (started_at, id). The filters read events and messages with EXISTS
 * so each is one index probe per candidate row; the transcript search uses the `simple` full-text index (no
 * stemming: tenants write in many languages).
 */
const SESSIONS_SQL = `
SELECT c.id::text AS id, c.session_id AS "sessionId", c.channel, c.started_at AS "startedAt",
       c.started_at::text AS "cursorAt",
       c.last_message_at AS "lastMessageAt", c.tags,
       (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user') AS turns,
       (SELECT m.content FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY m.id LIMIT 1)
         AS "firstMessage",
       (SELECT coalesce(array_agg(DISTINCT f ORDER BY f), '{}') FROM analytics_events e
          CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(e.payload->'fields', '[]')) f
          WHERE e.business_id = c.business_id AND e.session_id = c.session_id AND e.type = 'lead_captured')
         AS "capturedFields",
       EXISTS (SELECT 1 FROM analytics_events e WHERE e.business_id = c.business_id AND e.session_id = c.session_id
                 AND e.type = 'lead_captured') AS "leadCaptured",
       EXISTS (SELECT 1 FROM crm_contacts k WHERE k.business_id = c.business_id AND k.session_id = c.session_id)
         AS "crmContact",
       EXISTS (SELECT 1 FROM crm_deals d WHERE d.business_id = c.business_id AND d.session_id = c.session_id)
         AS "crmDeal",
       EXISTS (SELECT 1 FROM handoffs h WHERE h.business_id = c.business_id AND h.session_id = c.session_id)
         AS "handedOff"
FROM conversations c
WHERE c.business_id = $1 AND c.started_at >= $2 AND c.started_at < $3
  AND ($4::text IS NULL OR c.channel = $4)
  AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.intent = $5))
  AND ($6::text IS NULL OR $6 = ANY (c.tags))
  AND ($7::boolean IS NULL OR $7 = EXISTS (SELECT 1 FROM analytics_events e WHERE e.business_id = c.business_id
         AND e.session_id = c.session_id AND e.type = 'lead_captured'))
  AND ($8::boolean IS NULL OR $8 = EXISTS (SELECT 1 FROM handoffs h WHERE h.business_id = c.business_id
         AND h.session_id = c.session_id))
  AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
         AND to_tsvector('simple', m.content) @@ plainto_tsquery('simple', $9)))
  AND ($10::timestamptz IS NULL OR (c.started_at, c.id) < ($10, $11::bigint))
ORDER BY c.started_at DESC, c.id DESC
LIMIT $12`;

/**
 * The dashboard in one statement over one index-only range of the tenant's events (the payload fields it reads are
 * generated columns covered by the index). `ev` is read by several aggregates, so it is materialized once; a session counts in the bucket of its first
 * event in the range, and is engaged with two user messages or more. CRM rows come from the CRM tables (written by
 * the outbox, which records no event).
 */
const ANALYTICS_SQL = `
WITH ev AS MATERIALIZED (
  SELECT date_trunc($4, e.created_at AT TIME ZONE $5) AS bucket, e.type, e.session_id, e.intent, e.sentiment,
         e.cta_id, e.cta_link, e.latency_ms, e.fallback, e.unanswered, e.cached
  FROM analytics_events e
  WHERE e.business_id = $1 AND e.created_at >= $2 AND e.created_at < $3
),
sess AS (
  SELECT session_id, min(bucket) AS bucket, count(*) FILTER (WHERE type = 'user_message') AS user_turns,
         bool_or(type = 'lead_captured') AS lead
  FROM ev GROUP BY session_id
),
synced AS (
  SELECT DISTINCT k.session_id FROM crm_contacts k
  WHERE k.business_id = $1 AND k.session_id IS NOT NULL AND k.created_at >= $2 AND k.created_at < $3
),
crm AS (
  SELECT date_trunc($4, created_at AT TIME ZONE $5) AS bucket, 'contact' AS kind FROM crm_contacts
    WHERE business_id = $1 AND created_at >= $2 AND created_at < $3
  UNION ALL
  SELECT date_trunc($4, created_at AT TIME ZONE $5), 'deal' FROM crm_deals
    WHERE business_id = $1 AND created_at >= $2 AND created_at < $3
),
handoff_buckets AS (
  SELECT date_trunc($4, created_at AT TIME ZONE $5) AS bucket, count(*)::int AS handoffs FROM handoffs
    WHERE business_id = $1 AND created_at >= $2 AND created_at < $3
  GROUP BY 1
),
ev_buckets AS (
  SELECT bucket,
         count(*) FILTER (WHERE type IN ('user_message', 'assistant_message'))::int AS messages,
         count(*) FILTER (WHERE type = 'lead_captured')::int AS leads,
         count(*) FILTER (WHERE cta_link)::int AS appointment_clicks,
         count(*) FILTER (WHERE type = 'cta_clicked')::int AS cta_clicks,
         count(*) FILTER (WHERE fallback)::int AS fallbacks,
         count(*) FILTER (WHERE unanswered)::int AS unanswered,
         count(*) FILTER (WHERE cached)::int AS cache_hits,
         count(*) FILTER (WHERE NOT cached)::int AS cache_misses
  FROM ev GROUP BY bucket
),
sess_buckets AS (
  SELECT bucket, count(*)::int AS sessions, count(*) FILTER (WHERE user_turns >= 2)::int AS engaged
  FROM sess GROUP BY bucket
),
crm_buckets AS (
  SELECT bucket, count(*) FILTER (WHERE kind = 'contact')::int AS contacts,
         count(*) FILTER (WHERE kind = 'deal')::int AS deals
  FROM crm GROUP BY bucket
),
series AS (
  SELECT generate_series(date_trunc($4, $2::timestamptz AT TIME ZONE $5),
                         ($3::timestamptz AT TIME ZONE $5) - interval '1 microsecond',
                         ('1 ' || $4)::interval) AS bucket
)
SELECT json_build_object(
  'buckets', (SELECT coalesce(json_agg(json_build_object(
      'bucket', s.bucket AT TIME ZONE $5,
      'sessions', coalesce(sb.sessions, 0), 'engaged', coalesce(sb.engaged, 0),
      'messages', coalesce(eb.messages, 0), 'leads', coalesce(eb.leads, 0),
      'appointmentClicks', coalesce(eb.appointment_clicks, 0), 'ctaClicks', coalesce(eb.cta_clicks, 0),
      'handoffs', coalesce(hb.handoffs, 0), 'fallbacks', coalesce(eb.fallbacks, 0),
      'unanswered', coalesce(eb.unanswered, 0),
      'cacheHits', coalesce(eb.cache_hits, 0), 'cacheMisses', coalesce(eb.cache_misses, 0),
      'crmContacts', coalesce(cb.contacts, 0), 'crmDeals', coalesce(cb.deals, 0)) ORDER BY s.bucket), '[]')
    FROM series s LEFT JOIN ev_buckets eb USING (bucket) LEFT JOIN sess_buckets sb USING (bucket)
    LEFT JOIN crm_buckets cb USING (bucket) LEFT JOIN handoff_buckets hb USING (bucket)),
  'ctaClicks', (SELECT coalesce(json_agg(json_build_object('ctaId', cta_id, 'clicks', n) ORDER BY n DESC, cta_id), '[]')
    FROM (SELECT cta_id, count(*)::int AS n FROM ev WHERE cta_id IS NOT NULL GROUP BY cta_id) x),
  'intents', (SELECT coalesce(json_agg(json_build_object('intent', intent, 'count', n) ORDER BY n DESC, intent), '[]')
    FROM (SELECT intent, count(*)::int AS n FROM ev WHERE intent IS NOT NULL GROUP BY intent) x),
  'sentiments', (SELECT coalesce(json_agg(json_build_object('sentiment', sentiment, 'count', n)
      ORDER BY n DESC, sentiment), '[]')
    FROM (SELECT sentiment, count(*)::int AS n FROM ev WHERE sentiment IS NOT NULL GROUP BY sentiment) x),
  'funnel', (SELECT json_build_object('sessions', count(*)::int,
      'engaged', count(*) FILTER (WHERE user_turns >= 2)::int,
      'lead', count(*) FILTER (WHERE user_turns >= 2 AND lead)::int,
      'crmSynced', count(*) FILTER (WHERE user_turns >= 2 AND lead AND session_id IN (SELECT session_id FROM synced))::int)
    FROM sess),
  'latency', (SELECT json_build_object(
      'p50', percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),
      'p95', percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms))
    FROM ev WHERE latency_ms IS NOT NULL)
) AS result`;

@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listSessions(businessId: string, q: SessionsQuery): Promise<SessionRow[]> {
    return (await this.dataSource.query(SESSIONS_SQL, [
      businessId,
      q.from,
      q.to,
      q.channel ?? null,
      q.intent ?? null,
      q.tag ?? null,
      q.hasLead ?? null,
      q.handedOff ?? null,
      q.q ?? null,
      q.cursor?.startedAt ?? null,
      q.cursor?.id ?? null,
      q.limit + 1,
    ])) as SessionRow[];
  }

  async summarize(businessId: string, q: AnalyticsQuery): Promise<AnalyticsRows> {
    const rows = (await this.dataSource.query(ANALYTICS_SQL, [businessId, q.from, q.to, q.interval, q.tz])) as {
      result: AnalyticsRows;
    }[];
    return rows[0].result;
  }
}
