import { withDeadline } from 'src/common/deadline/deadline';
import { CrmCallError } from 'src/crm/crm.errors';

/** Rejects with an 'unavailable' CrmCallError after `ms`; the CRM's late answer, if any, is ignored. */
export function crmDeadline<T>(crm: string, ms: number, call: () => Promise<T>): Promise<T> {
  return withDeadline(call(), ms, (): never => {
    throw new CrmCallError('unavailable', `${crm} did not answer within ${ms} ms`);
  });
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Maps an HTTP status to the failure kinds the outbox acts on. */
export function errorForStatus(
  crm: string,
  status: number,
  detail: string | undefined,
  retryAfter?: string | null,
): CrmCallError {
  const suffix = detail ? `: ${detail.slice(0, 200)}` : '';
  if (status === 401 || status === 403)
    return new CrmCallError('auth', `${crm} refused the credentials${suffix}`, status);
  if (status === 429)
    return new CrmCallError('rate_limited', `${crm} is rate-limiting requests`, status, parseRetryAfter(retryAfter));
  if (status >= 500 || status === 408) return new CrmCallError('unavailable', `${crm} answered HTTP ${status}`, status);
  return new CrmCallError('rejected', `${crm} rejected the request (HTTP ${status})${suffix}`, status);
}

export function requireId(crm: string, value: unknown): string {
  if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
  throw new CrmCallError('malformed', `${crm} answered without a record id`);
}

/** A configured endpoint on a private, loopback or link-local address: a configuration error, never retried. */
export function nonPublicEndpoint(crm: string, hostname: string): CrmCallError {
  return new CrmCallError(
    'rejected',
    `${crm} endpoint ${hostname} resolves to a non-public address; CRM endpoints must be reachable on the public internet`,
  );
}
