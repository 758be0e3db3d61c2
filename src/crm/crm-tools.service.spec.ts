import type { AppConfig } from 'src/config/app-config.service';
import type { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import type { ToolCallContext } from 'src/crm/crm-tools.port';
import { CrmToolsService } from 'src/crm/crm-tools.service';
import type { CrmOutboxRepository } from 'src/crm/outbox/crm-outbox.repository';
import type { CrmOutboxService } from 'src/crm/outbox/crm-outbox.service';
import { strictMock } from 'test/support/strict-mock';

const context: ToolCallContext = {
  businessId: 'acme',
  sessionId: 'session-123',
  channel: 'chat',
  captured: { email: 'ada@example.com' },
  crm: {},
};
const config = strictMock<AppConfig>({ get: () => 1500 });

function build(submit: jest.Mock) {
  return new CrmToolsService(
    strictMock<CrmAdapterRegistry>(),
    strictMock<CrmOutboxService>({ submit }),
    strictMock<CrmOutboxRepository>(),
    config,
  );
}

describe(CrmToolsService.name, () => {
  it('fails the call with the database outage when the outbox row cannot be written', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const sut = build(jest.fn().mockRejectedValue(refused));
    await expect(sut.execute('create_contact', { email: 'ada@example.com' }, context)).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      code: 'INFRA.DATABASE_UNAVAILABLE',
    });
  });

  it('reports any other failure to the model as an unreachable CRM', async () => {
    const sut = build(jest.fn().mockRejectedValue(new Error('unexpected')));
    jest.spyOn(sut['logger'], 'warn').mockImplementation(() => undefined);
    await expect(sut.execute('create_contact', { email: 'ada@example.com' }, context)).resolves.toEqual({
      ok: false,
      error: 'The CRM could not be reached just now.',
    });
  });
});
