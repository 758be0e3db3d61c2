import { crmDeadline, errorForStatus, parseRetryAfter, requireId } from 'src/crm/adapters/crm-call';
import { CrmCallError } from 'src/crm/crm.errors';

describe('CRM call helpers', () => {
  it('classifies statuses into what the outbox does with them', () => {
    const kinds = [401, 403, 429, 500, 503, 408, 400, 404, 422].map((s) => {
      const e = errorForStatus('X', s, undefined);
      return [s, e.failure, e.retryable];
    });
    expect(kinds).toEqual([
      [401, 'auth', false],
      [403, 'auth', false],
      [429, 'rate_limited', true],
      [500, 'unavailable', true],
      [503, 'unavailable', true],
      [408, 'unavailable', true],
      [400, 'rejected', false],
      [404, 'rejected', false],
      [422, 'rejected', false],
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTen)).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(errorForStatus('X', 429, undefined, '2').retryAfterMs).toBe(2000);
  });

  it('treats an answer without an id as malformed', () => {
    expect(requireId('X', 42)).toBe('42');
    expect(() => requireId('X', undefined)).toThrow(CrmCallError);
    expect(() => requireId('X', '')).toThrow(/without a record id/);
  });

  it('turns a call that outlives its deadline into a retryable unavailable error', async () => {
    const never = () => new Promise<never>(() => undefined);
    await expect(crmDeadline('X', 10, never)).rejects.toMatchObject({ failure: 'unavailable', retryable: true });
  });
});
