import { AnalyticsErrors } from 'src/analytics/analytics.errors';

/** Query strings as Express hands them over: absent, one value, or repeated. */
export type RawQuery = Record<string, unknown>;

export type Interval = 'day' | 'hour';

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface AnalyticsQuery extends TimeRange {
  interval: Interval;
  tz: string;
}

export interface SessionsQuery extends TimeRange {
  channel?: 'chat' | 'voice';
  intent?: string;
  tag?: string;
  hasLead?: boolean;
  handedOff?: boolean;
  q?: string;
  cursor?: SessionsCursor;
  limit: number;
}

export interface SessionsCursor {
  startedAt: string;
  id: string;
}

const DAY_MS = 86_400_000;
/** Buckets per answer stay in the hundreds: 31 days of hours, a year of days. */
const MAX_DAYS: Record<Interval, number> = { hour: 31, day: 366 };
const DEFAULT_DAYS = 30;
const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

export function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw AnalyticsErrors.invalidParam(name, 'must be given once');
  return value;
}

function date(query: RawQuery, name: string): Date | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  // Date.parse accepts too much ("1"); ISO 8601 dates or date-times only.
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) || Number.isNaN(Date.parse(raw)))
    throw AnalyticsErrors.invalidRange(`${name} must be an ISO 8601 date or date-time`);
  return new Date(raw);
}

/** `from`/`to` default to the last 30 days ending now; `to` is exclusive. */
export function parseRange(query: RawQuery, now: Date, maxDays = MAX_DAYS.day): TimeRange {
  const to = date(query, 'to') ?? now;
  const from = date(query, 'from') ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw AnalyticsErrors.invalidRange('from must be before to');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw AnalyticsErrors.rangeTooLong('day', maxDays);
  return { from, to };
}

export function isKnownTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseAnalyticsQuery(query: RawQuery, now: Date, defaultTz: string): AnalyticsQuery {
  const interval = single(query, 'interval') ?? 'day';
  if (interval !== 'day' && interval !== 'hour') throw AnalyticsErrors.invalidParam('interval', 'must be day or hour');
  const tz = single(query, 'tz') ?? defaultTz;
  if (!isKnownTimezone(tz)) throw AnalyticsErrors.unknownTimezone();
  const range = parseRange(query, now);
  if (range.to.getTime() - range.from.getTime() > MAX_DAYS[interval] * DAY_MS)
    throw AnalyticsErrors.rangeTooLong(interval, MAX_DAYS[interval]);
  return { ...range, interval, tz };
}

function bool(query: RawQuery, name: string): boolean | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw AnalyticsErrors.invalidParam(name, 'must be true or false');
}

function word(query: RawQuery, name: string, max: number): string | undefined {
  const raw = single(query, name);
  if (raw !== undefined && raw.length > max) throw AnalyticsErrors.invalidParam(name, `is longer than ${max}`);
  return raw;
}

export function encodeCursor(cursor: SessionsCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string): SessionsCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      // Postgres's own text form of a timestamptz (microseconds kept), e.g. "2026-03-01 10:00:00.123456+00".
      /^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-][\d:]+|Z)?$/.test(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      /^\d{1,19}$/.test(parsed[1])
    )
      return { startedAt: parsed[0], id: parsed[1] };
  } catch {
    // Falls through to the coded error: the cursor is opaque, so any garbage means "not one of ours".
  }
  throw AnalyticsErrors.invalidCursor();
}

export function parseSessionsQuery(query: RawQuery, now: Date): SessionsQuery {
  const channel = single(query, 'channel');
  if (channel !== undefined && channel !== 'chat' && channel !== 'voice')
    throw AnalyticsErrors.invalidParam('channel', 'must be chat or voice');
  const rawLimit = single(query, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw AnalyticsErrors.invalidParam('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  const cursor = single(query, 'cursor');
  const result: SessionsQuery = {
    ...parseRange(query, now),
    limit,
    channel,
    intent: word(query, 'intent', 40),
    tag: word(query, 'tag', 64),
    hasLead: bool(query, 'hasLead'),
    handedOff: bool(query, 'handedOff'),
    q: word(query, 'q', 200),
    cursor: cursor === undefined ? undefined : decodeCursor(cursor),
  };
  return result;
}
