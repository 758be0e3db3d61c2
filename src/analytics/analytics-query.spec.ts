import { AnalyticsErrorCatalogue } from 'src/analytics/analytics.errors';
import { encodeCursor, parseAnalyticsQuery, parseSessionsQuery } from 'src/analytics/analytics-query';

const now = new Date('2026-03-31T12:00:00Z');
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('parseAnalyticsQuery', () => {
  it('defaults to the last 30 days by day in the business time zone', () => {
    const q = parseAnalyticsQuery({}, now, 'Europe/Oslo');
    expect(q).toMatchObject({ interval: 'day', tz: 'Europe/Oslo', to: now });
    expect(now.getTime() - q.from.getTime()).toBe(30 * 86_400_000);
  });

  it('refuses bad dates, an inverted range, an unknown time zone and too many hourly buckets', () => {
    expect(codeOf(() => parseAnalyticsQuery({ from: 'yesterday' }, now, 'UTC'))).toBe(
      AnalyticsErrorCatalogue.INVALID_RANGE.code,
    );
    expect(codeOf(() => parseAnalyticsQuery({ from: '2026-03-10', to: '2026-03-01' }, now, 'UTC'))).toBe(
      AnalyticsErrorCatalogue.INVALID_RANGE.code,
    );
    expect(codeOf(() => parseAnalyticsQuery({ tz: 'Mars/Olympus' }, now, 'UTC'))).toBe(
      AnalyticsErrorCatalogue.UNKNOWN_TIMEZONE.code,
    );
    expect(
      codeOf(() => parseAnalyticsQuery({ from: '2026-01-01', to: '2026-03-01', interval: 'hour' }, now, 'UTC')),
    ).toBe(AnalyticsErrorCatalogue.RANGE_TOO_LONG.code);
    expect(codeOf(() => parseAnalyticsQuery({ interval: 'week' }, now, 'UTC'))).toBe(
      AnalyticsErrorCatalogue.INVALID_PARAM.code,
    );
    expect(codeOf(() => parseAnalyticsQuery({ tz: ['UTC', 'UTC'] }, now, 'UTC'))).toBe(
      AnalyticsErrorCatalogue.INVALID_PARAM.code,
    );
  });

  it('accepts a month by hour and a year by day', () => {
    expect(parseAnalyticsQuery({ from: '2026-03-01', to: '2026-03-31', interval: 'hour' }, now, 'UTC').interval).toBe(
      'hour',
    );
    expect(parseAnalyticsQuery({ from: '2025-04-01', to: '2026-03-31' }, now, 'UTC').interval).toBe('day');
  });
});

describe('parseSessionsQuery', () => {
  it('round-trips its own cursor and refuses a forged one', () => {
    const cursor = encodeCursor({ startedAt: '2026-03-01T00:00:00.000Z', id: '42' });
    expect(parseSessionsQuery({ cursor }, now).cursor).toEqual({ startedAt: '2026-03-01T00:00:00.000Z', id: '42' });
    expect(codeOf(() => parseSessionsQuery({ cursor: 'bm9wZQ' }, now))).toBe(
      AnalyticsErrorCatalogue.INVALID_CURSOR.code,
    );
    const injected = Buffer.from(JSON.stringify(['2026-03-01', '1; DROP TABLE x'])).toString('base64url');
    expect(codeOf(() => parseSessionsQuery({ cursor: injected }, now))).toBe(
      AnalyticsErrorCatalogue.INVALID_CURSOR.code,
    );
  });

  it('validates limit, channel and the boolean filters', () => {
    expect(parseSessionsQuery({ limit: '10', hasLead: 'true', channel: 'voice' }, now)).toMatchObject({
      limit: 10,
      hasLead: true,
      channel: 'voice',
    });
    for (const bad of [{ limit: '0' }, { limit: '201' }, { limit: 'x' }, { channel: 'sms' }, { hasLead: 'yes' }])
      expect(codeOf(() => parseSessionsQuery(bad, now))).toBe(AnalyticsErrorCatalogue.INVALID_PARAM.code);
  });
});
