import { CryptoErrors } from 'src/common/crypto/crypto.errors';
import type { AppConfig } from 'src/config/app-config.service';
import type { EnvSchema } from 'src/config/env.schema';
import { CrmCallError, CrmErrors } from 'src/crm/crm.errors';
import type { CrmOutboxItemEntity } from 'src/crm/entities/crm-outbox-item.entity';
import type { CrmOutboxRepository } from 'src/crm/outbox/crm-outbox.repository';
import { CrmOutboxService } from 'src/crm/outbox/crm-outbox.service';
import { CrmWriteExecutor, DependencyPendingError } from 'src/crm/outbox/crm-write.executor';
import type { TenantService } from 'src/tenant/tenant.service';
import { strictMock } from 'test/support/strict-mock';

const env: Partial<EnvSchema> = {
  CRM_OUTBOX_MAX_ATTEMPTS: 3,
  CRM_OUTBOX_BASE_DELAY_MS: 1000,
  CRM_HTTP_TIMEOUT_MS: 1000,
};
const config = strictMock<AppConfig>({ get: (k: keyof EnvSchema) => env[k] });
const item = (attempts = 0) =>
  ({ id: 'item-1', businessId: 'acme', operation: 'upsert_contact', attempts }) as CrmOutboxItemEntity;

describe(CrmOutboxService.name, () => {
  function build(outcome: () => Promise<Record<string, unknown>>) {
    const outbox = strictMock<CrmOutboxRepository>({
      markDone: jest.fn().mockResolvedValue(undefined),
      markRetry: jest.fn().mockResolvedValue(undefined),
      markFailed: jest.fn().mockResolvedValue(undefined),
    });
    const executor = strictMock<CrmWriteExecutor>({ perform: jest.fn(outcome) });
    const sut = new CrmOutboxService(outbox, executor, config, strictMock<TenantService>());
    return { sut, outbox };
  }

  it('records success with the attempt counted and the CRM ids as result', async () => {
    const { sut, outbox } = build(() => Promise.resolve({ contactId: '51' }));
    expect(await sut.attempt(item(2))).toEqual({ status: 'done', itemId: 'item-1', result: { contactId: '51' } });
    expect(outbox.markDone).toHaveBeenCalledWith('acme', 'item-1', 3, { contactId: '51' });
  });

  it('schedules a retryable failure with exponential backoff and jitter', async () => {
    const { sut, outbox } = build(() =>
      Promise.reject(new CrmCallError('unavailable', 'HubSpot answered HTTP 503', 503)),
    );
    const before = Date.now();
    expect(await sut.attempt(item(1))).toEqual({ status: 'queued', itemId: 'item-1' });
    const [, , attempts, at, error] = (outbox.markRetry as jest.Mock).mock.calls[0] as [
      string,
      string,
      number,
      Date,
      string,
    ];
    expect(attempts).toBe(2);
    // base 1000 ms doubled once = 2000 ms, equal jitter keeps it within [1000, 2000]
    expect(at.getTime() - before).toBeGreaterThanOrEqual(1000);
    expect(at.getTime() - before).toBeLessThanOrEqual(2100);
    expect(error).toBe('CRM.UNAVAILABLE: HubSpot answered HTTP 503');
  });

  it("never retries sooner than the CRM's Retry-After", async () => {
    const { sut, outbox } = build(() => Promise.reject(new CrmCallError('rate_limited', 'slow down', 429, 60_000)));
    const before = Date.now();
    await sut.attempt(item(0));
    const at = (outbox.markRetry as jest.Mock).mock.calls[0][3] as Date;
    expect(at.getTime() - before).toBeGreaterThanOrEqual(59_000);
  });

  it('fails at once on a non-retryable refusal and after the budget on retryable ones', async () => {
    const auth = build(() => Promise.reject(new CrmCallError('auth', 'refused the credentials', 401)));
    expect(await auth.sut.attempt(item(0))).toMatchObject({ status: 'failed' });
    expect(auth.outbox.markFailed).toHaveBeenCalledWith(
      'acme',
      'item-1',
      1,
      'CRM.AUTH_FAILED: refused the credentials',
    );

    const exhausted = build(() => Promise.reject(new CrmCallError('unavailable', 'timeout')));
    expect(await exhausted.sut.attempt(item(2))).toMatchObject({ status: 'failed' });
    expect(exhausted.outbox.markFailed).toHaveBeenCalledWith('acme', 'item-1', 3, 'CRM.UNAVAILABLE: timeout');
  });

  it('fails invalid data (a coded validation error) without retrying', async () => {
    const { sut, outbox } = build(() => Promise.reject(CrmErrors.invalidField('phone', 'too long')));
    expect(await sut.attempt(item(0))).toMatchObject({ status: 'failed' });
    expect(outbox.markFailed).toHaveBeenCalledWith('acme', 'item-1', 1, 'CRM.INVALID_FIELD: phone: too long');
  });

  it('waits for a pending contact without spending the deal budget', async () => {
    const { sut, outbox } = build(() => Promise.reject(new DependencyPendingError()));
    expect(await sut.attempt(item(1))).toEqual({ status: 'queued', itemId: 'item-1' });
    expect((outbox.markRetry as jest.Mock).mock.calls[0][2]).toBe(1);
  });

  it('leaves an item it cannot decrypt to an instance holding the key, budget untouched', async () => {
    const { sut, outbox } = build(() => Promise.reject(CryptoErrors.unknownKey('old-key')));
    expect(await sut.attempt(item(1))).toEqual({ status: 'queued', itemId: 'item-1' });
    expect((outbox.markRetry as jest.Mock).mock.calls[0][2]).toBe(1);
  });
});
