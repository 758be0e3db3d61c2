import { DryRunCrmTools } from 'src/crm/crm-dry-run.service';
import type { ToolCallContext } from 'src/crm/crm-tools.port';

const context = (over: Partial<ToolCallContext> = {}): ToolCallContext => ({
  businessId: 'acme',
  sessionId: 'simulation-1',
  channel: 'chat',
  captured: { firstName: 'Ada', email: 'ada@example.com', phone: '+14155550100' },
  crm: {},
  ...over,
});

describe(DryRunCrmTools.name, () => {
  it('answers a contact write with a made-up id and records the write it would have queued', async () => {
    const sut = new DryRunCrmTools();
    const result = await sut.execute('create_contact', { message: 'Wants a demo' }, context());
    expect(result).toEqual({ ok: true, contactId: 'dry-run-contact-1', data: { saved: true } });
    expect(sut.writes).toEqual([
      {
        tool: 'create_contact',
        operation: 'upsert_contact',
        id: 'dry-run-contact-1',
        fields: {
          firstName: 'Ada',
          email: 'ada@example.com',
          phone: '+14155550100',
          message: 'Wants a demo',
          source: 'chat',
          sessionId: 'simulation-1',
        },
      },
    ]);
  });

  it('refuses what the live tools refuse: details the visitor never gave, a deal before its contact', async () => {
    const sut = new DryRunCrmTools();
    const other = await sut.execute('create_contact', { email: 'someone@else.com' }, context());
    expect(other.ok).toBe(false);
    expect(other.error).toContain('does not match');
    const deal = await sut.execute('create_deal', { title: 'Demo' }, context());
    expect(deal).toEqual({ ok: false, error: 'Create the contact first (create_contact), then the deal.' });
    expect(await sut.execute('create_deal', { amount: 'lots' }, context({ crm: { contactId: 'x' } }))).toMatchObject({
      ok: false,
    });
    expect(sut.writes).toEqual([]);
  });

  it('finds only the contacts this conversation created, and creates one deal per conversation', async () => {
    const sut = new DryRunCrmTools();
    expect(await sut.execute('search_contact', {}, context())).toEqual({ ok: true, data: { found: false } });
    await sut.execute('create_contact', {}, context());
    expect(await sut.execute('search_contact', {}, context())).toEqual({
      ok: true,
      contactId: 'dry-run-contact-1',
      data: { found: true },
    });
    const ctx = context({ crm: { contactId: 'dry-run-contact-1' } });
    const first = await sut.execute('create_deal', { title: 'Growth plan', amount: 499.999 }, ctx);
    const again = await sut.execute('create_deal', { title: 'Growth plan' }, ctx);
    expect(first.dealId).toBe('dry-run-deal-1');
    expect(again.dealId).toBe('dry-run-deal-1');
    expect(sut.writes.filter((w) => w.operation === 'create_deal')).toEqual([
      expect.objectContaining({ contactId: 'dry-run-contact-1', deal: { name: 'Growth plan', amount: 500 } }),
    ]);
    await sut.execute('update_contact', { company: 'Engines' }, ctx);
    expect(sut.writes.at(-1)).toMatchObject({
      tool: 'update_contact',
      id: 'dry-run-contact-1',
      contactId: 'dry-run-contact-1',
    });
  });
});
