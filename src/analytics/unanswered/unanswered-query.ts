import { AnalyticsErrors } from 'src/analytics/analytics.errors';
import { parseRange, RawQuery, single, TimeRange } from 'src/analytics/analytics-query';

export type ClusterStatus = 'open' | 'resolved' | 'all';

export interface UnansweredQuery extends TimeRange {
  status: ClusterStatus;
  limit: number;
}

const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

/** `from`/`to` as the other analytics reads (default the last 30 days); `status` default `all`; `limit` 1–200. */
export function parseUnansweredQuery(query: RawQuery, now: Date): UnansweredQuery {
  const status = single(query, 'status') ?? 'all';
  if (status !== 'open' && status !== 'resolved' && status !== 'all')
    throw AnalyticsErrors.invalidParam('status', 'must be open, resolved or all');
  const rawLimit = single(query, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw AnalyticsErrors.invalidParam('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  return { ...parseRange(query, now), status, limit };
}
