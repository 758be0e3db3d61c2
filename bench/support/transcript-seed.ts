import type { DataSource } from 'typeorm';

/**
 * Question texts of the unanswered turns: templates × topics × endings give ~2,000 distinct questions once
 * normalized, which the report's clustering groups mostly by topic, plus a long tail of order-number questions that
 * are each distinct but belong together. Topics are skewed (the first ones asked far more often), as real traffic is.
 */
const TEMPLATES = [
  'Do you offer %s',
  'How much does %s cost',
  'Is %s available at your downtown location',
  'Can I get %s',
  'what are the conditions for %s',
  'Tell me more about %s',
  'Do you have %s for businesses',
  'Is %s included in the standard plan',
  'How do I ask for %s',
  'Any news on %s',
];
const TOPICS = [
  'gift cards',
  'a student discount',
  'weekend delivery',
  'international shipping',
  'a refund',
  'free parking',
  'wheelchair access',
  'group bookings',
  'invoices in euros',
  'payment by bank transfer',
  'a loyalty program',
  'pet-friendly rooms',
  'same-day repairs',
  'an API',
  'single sign-on',
  'an extended warranty',
  'vegan options',
  'monthly installments',
  'a free trial',
  'onsite training',
  'a military discount',
  'express shipping',
  'gift wrapping',
  'a price match',
  'late checkout',
  'a corporate account',
  'custom engraving',
  'rental equipment',
  'a mobile app',
  'a referral bonus',
  'seasonal sales',
  'bulk pricing',
  'a satisfaction guarantee',
  'curbside pickup',
  'a waiting list',
  'private lessons',
  'data export',
  'two-factor login',
  'a nonprofit discount',
  'sign language interpreters',
];
const ENDINGS = ['?', ' please?', ' for a group of ten?', ' this month?', '??', '', ' at the weekend?'];

/**
 * One conversation per session of the events seed (same tenant, session id and times), with its six messages: the
 * user and assistant messages the events describe, at their times, the user rows read with the events' intents. The
 * last reply of 4 sessions in 5 is marked `unanswered` (a third `dont_know`, the rest `low_confidence`):
 * far more than the events' 1 reply in 31, because the report's cost depends on reaching its 5,000-question cap,
 * which this rate does at the default size (~10k per tenant-month). The pseudo-random picks come from an md5 of the
 * session number: the same every run, and independent of the tenant (session % tenants).
 */
const SEED_SQL = `
WITH session AS (
  SELECT s, now() - (s::float8 / ($3::int::float8 / 8)) * interval '60 days' AS started_at
  FROM generate_series(0, $3::int / 8 - 1) s
),
conversation AS (
  INSERT INTO conversations (business_id, session_id, channel, started_at, last_message_at, message_count)
  SELECT $1 || (s % $2::int), 's' || s, 'chat', started_at, started_at + interval '140 seconds', 6
  FROM session ORDER BY s DESC
  RETURNING id, business_id, substr(session_id, 2)::bigint AS s, started_at
),
turn AS (
  SELECT c.*, (ARRAY['greeting', 'pricing', 'other'])[(8 * c.s) % 3 + 1] AS opening,
         (ARRAY['pricing', 'human_handoff', 'appointment'])[(8 * c.s + 2) % 3 + 1] AS follow_up,
         ('x' || substr(h, 1, 8))::bit(32)::int & 2147483647 AS a,
         ('x' || substr(h, 9, 8))::bit(32)::int & 2147483647 AS b,
         ('x' || substr(h, 17, 8))::bit(32)::int & 2147483647 AS d
  FROM conversation c CROSS JOIN LATERAL md5(c.s::text) h
),
question AS (
  SELECT t.*, t.a % 5 <> 4 AS unanswered, t.b % 3 = 0 AS dont_know, CASE
           WHEN t.d % 100 < 12 THEN 'Where is my order #' || (40000 + t.a % 50000) || '?'
           ELSE format(($4::text[])[t.b % cardinality($4::text[]) + 1],
                       ($5::text[])[floor(cardinality($5::text[]) * power(t.a / 2147483648.0, 2))::int + 1])
                || ($6::text[])[(t.d / 100) % cardinality($6::text[]) + 1]
         END AS text
  FROM turn t
)
INSERT INTO messages (business_id, conversation_id, role, content, payload, intent, intent_confidence, sentiment,
                      sentiment_score, created_at)
SELECT q.business_id, q.id, m.role, m.content, m.payload, m.intent, m.confidence, m.sentiment, m.score,
       q.started_at + m.pos * interval '20 seconds'
FROM question q
CROSS JOIN LATERAL (VALUES
  (0, 'user', CASE q.opening WHEN 'greeting' THEN 'Hi there!' WHEN 'pricing' THEN 'What are your prices?'
                             ELSE 'I have a question' END,
   NULL::jsonb, q.opening, 0.9::real, 'neutral', 0::real),
  (1, 'assistant', 'Happy to help. What would you like to know?',
   jsonb_build_object('provider', 'offline', 'latencyMs', 200 + (8 * q.s + 1) % 1800), NULL, NULL, NULL, NULL),
  (2, 'user', CASE q.follow_up WHEN 'pricing' THEN 'How much is the premium plan per month?'
                               WHEN 'human_handoff' THEN 'Can I talk to a person?'
                               ELSE 'Can I book an appointment for Tuesday morning?' END,
   NULL, q.follow_up, 0.85, 'neutral', 0),
  (4, 'assistant', 'Here is what I found in our documents.',
   jsonb_build_object('provider', 'offline', 'latencyMs', 200 + (8 * q.s + 4) % 1800), NULL, NULL, NULL, NULL),
  (6, 'user', q.text, NULL, 'other', 0.2 + (q.d % 30) / 100.0, 'neutral', 0),
  (7, 'assistant',
   CASE WHEN NOT q.unanswered THEN 'Yes, here are the details from our documents.'
        WHEN q.dont_know THEN 'I''m sorry, I don''t have that information.'
        ELSE 'I could not find that in our documents. Would you like me to connect you with the team?' END,
   jsonb_build_object('provider', 'offline', 'latencyMs', 200 + (8 * q.s + 7) % 1800)
     || CASE WHEN NOT q.unanswered THEN '{}'::jsonb
             ELSE jsonb_build_object('unanswered', CASE WHEN q.dont_know THEN 'dont_know' ELSE 'low_confidence' END)
        END,
   NULL, NULL, NULL, NULL)
) m(pos, role, content, payload, intent, confidence, sentiment, score)
ORDER BY q.s DESC, m.pos`;

/** In time order, oldest first, as chat turns append them. */
export async function seedTranscripts(db: DataSource, prefix: string, tenants: number, events: number): Promise<void> {
  await db.query(SEED_SQL, [prefix, tenants, events, TEMPLATES, TOPICS, ENDINGS]);
}
