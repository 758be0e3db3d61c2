import { ChatService } from 'src/chat/chat.service';
import type { ChatTurnRunner } from 'src/chat/chat-turn.runner';
import type { ChatStreamEvent } from 'src/chat/chat-turn.types';
import type { ChatSessionAccess } from 'src/chat/session-access';
import type { ErrorReporter, ReportedErrorContext } from 'src/common/errors/error-reporter.port';
import { NO_METRICS } from 'src/common/metrics/metrics.port';
import type { AppConfig } from 'src/config/app-config.service';
import type { ExperimentsService } from 'src/experiments/experiments.service';
import { SessionErrors } from 'src/session/session.errors';
import type { HeldLock, SessionStore } from 'src/session/session-store.port';
import { TenantErrors } from 'src/tenant/tenant.errors';
import type { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { strictMock } from 'test/support/strict-mock';

const business = {
  businessId: 'acme',
  ctaTree: {
    main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['faq'] },
    faq: { id: 'faq', label: 'FAQ', action: 'send' },
  },
} as unknown as TenantConfig;
const config = strictMock<AppConfig>({ get: () => 20 });
const dto = (patch = {}) => ({ business_id: 'acme', session_id: 'session-123', message: 'hello there', ...patch });

describe(ChatService.name, () => {
  const reply = {
    response: 'Hi!',
    ctas: [{ id: 'faq', label: 'FAQ', action: 'send' as const }],
    session_id: 'session-123',
    session_token: 'v1.token',
  };
  const grant = { sessionId: 'session-123', token: 'v1.token', mayContinue: true };
  const ahead = { handedOff: Promise.resolve(false) };
  const heldLock = (waited: boolean): HeldLock => ({ waited, load: jest.fn(), save: jest.fn() });
  const runnerWith = (methods: Partial<ChatTurnRunner>) =>
    strictMock<ChatTurnRunner>({ readAhead: jest.fn(() => ahead), ...methods });

  function build(
    overrides: {
      tenants?: TenantService;
      store?: SessionStore;
      runner?: ChatTurnRunner;
      access?: ChatSessionAccess;
      experiments?: ExperimentsService;
      reporter?: ErrorReporter;
    } = {},
  ) {
    const tenants =
      overrides.tenants ?? strictMock<TenantService>({ getCached: jest.fn().mockResolvedValue(business) });
    const store =
      overrides.store ??
      strictMock<SessionStore>({
        withLock: jest.fn((_b: string, _s: string, fn: (lock: HeldLock) => Promise<unknown>) =>
          Promise.resolve().then(() => fn(heldLock(false))),
        ),
      });
    const runner = overrides.runner ?? runnerWith({ run: jest.fn().mockResolvedValue(reply) });
    const access = overrides.access ?? strictMock<ChatSessionAccess>({ authorize: jest.fn().mockResolvedValue(grant) });
    const experiments =
      overrides.experiments ??
      strictMock<ExperimentsService>({
        assign: jest.fn((b: TenantConfig) => ({ business: b, assignments: [], overridden: new Set() })),
      });
    return {
      sut: new ChatService(tenants, store, runner, config, access, experiments, NO_METRICS, overrides.reporter),
      tenants,
      store,
      runner,
      access,
    };
  }

  it('runs the turn under the session lock', async () => {
    const { sut, store, runner } = build();
    await expect(sut.reply(dto())).resolves.toBe(reply);
    expect(store.withLock).toHaveBeenCalledWith('acme', 'session-123', expect.any(Function));
    expect(runner.run).toHaveBeenCalledWith(
      expect.objectContaining({ business, cta: { kind: 'none' } }),
      expect.objectContaining({ waited: false }),
      undefined,
      ahead,
    );
  });

  it('requests the read-ahead after the lock, and drops it when the lock was held by another turn', async () => {
    const order: string[] = [];
    let waited = false;
    const store = strictMock<SessionStore>({
      withLock: jest.fn((_b: string, _s: string, fn: (lock: HeldLock) => Promise<unknown>) => {
        order.push('lock');
        return Promise.resolve().then(() => fn(heldLock(waited)));
      }),
    });
    const runner = runnerWith({
      run: jest.fn().mockResolvedValue(reply),
      readAhead: jest.fn(() => {
        order.push('read-ahead');
        return ahead;
      }),
    });
    const { sut } = build({ store, runner });
    await sut.reply(dto());
    expect(order).toEqual(['lock', 'read-ahead']);
    expect(runner.run).toHaveBeenLastCalledWith(
      expect.anything(),
      expect.objectContaining({ waited: false }),
      undefined,
      ahead,
    );
    waited = true;
    await sut.reply(dto());
    expect(runner.run).toHaveBeenLastCalledWith(
      expect.anything(),
      expect.objectContaining({ waited: true }),
      undefined,
      undefined,
    );
  });

  it('passes the body token to the access check in preference to the header, and the grant to the runner', async () => {
    const { sut, access, runner } = build();
    await sut.reply(dto({ session_token: 'from-body' }), 'from-header');
    expect(access.authorize).toHaveBeenCalledWith(business, 'session-123', 'from-body');
    expect(runner.run).toHaveBeenCalledWith(
      expect.objectContaining({
        mayContinue: true,
        sessionToken: 'v1.token',
        input: expect.objectContaining({ sessionId: 'session-123' }),
      }),
      expect.objectContaining({ waited: false }),
      undefined,
      ahead,
    );
  });

  it('uses the header token when the body has none, and treats an empty one as absent', async () => {
    const { sut, access } = build();
    await sut.reply(dto(), 'from-header');
    await sut.reply(dto({ session_token: '' }));
    expect(access.authorize).toHaveBeenNthCalledWith(1, business, 'session-123', 'from-header');
    expect(access.authorize).toHaveBeenNthCalledWith(2, business, 'session-123', undefined);
  });

  it('runs the turn on the generated session when the request has no session_id', async () => {
    const access = strictMock<ChatSessionAccess>({
      authorize: jest.fn().mockResolvedValue({ sessionId: 'generated-id-1', token: 'v1.gen', mayContinue: false }),
    });
    const { sut, store } = build({ access });
    await sut.reply(dto({ session_id: undefined }));
    expect(access.authorize).toHaveBeenCalledWith(business, undefined, undefined);
    expect(store.withLock).toHaveBeenCalledWith('acme', 'generated-id-1', expect.any(Function));
  });

  it('refuses a request the access check refuses before taking the lock', async () => {
    const access = strictMock<ChatSessionAccess>({
      authorize: jest.fn().mockRejectedValue(SessionErrors.tokenRequired()),
    });
    const { sut } = build({ access, store: strictMock<SessionStore>(), runner: strictMock<ChatTurnRunner>() });
    await expect(sut.openStream(dto())).rejects.toMatchObject({ kind: 'FORBIDDEN', code: 'session.token_required' });
  });

  it.each([
    ['a message over MAX_MESSAGE_CHARS', dto({ message: 'x'.repeat(21) }), 'CHAT.MESSAGE_TOO_LONG'],
    ['a blank message without cta_id', dto({ message: '  ' }), 'CHAT.EMPTY_MESSAGE'],
  ])('rejects %s before taking the lock or writing anything', async (_name, input, code) => {
    const { sut } = build({
      store: strictMock<SessionStore>(),
      runner: strictMock<ChatTurnRunner>(),
      access: strictMock<ChatSessionAccess>(),
    });
    await expect(sut.reply(input)).rejects.toMatchObject({ kind: 'VALIDATION', code });
  });

  it("rejects an unknown cta_id of the session's config before taking the lock or writing anything", async () => {
    const { sut } = build({ store: strictMock<SessionStore>(), runner: strictMock<ChatTurnRunner>() });
    await expect(sut.reply(dto({ message: '', cta_id: 'nope' }))).rejects.toMatchObject({
      kind: 'VALIDATION',
      code: 'CHAT.UNKNOWN_CTA',
    });
  });

  it("runs the turn with the session's variant config, whose CTAs the click is read against", async () => {
    const variant = {
      ...business,
      ctaTree: { promo: { id: 'promo', label: 'Promo', action: 'send', message: 'Tell me more' } },
    } as unknown as TenantConfig;
    const assignments = [{ experimentId: 'menu_test', variantId: 'promo' }];
    const experiments = strictMock<ExperimentsService>({
      assign: jest.fn().mockReturnValue({ business: variant, assignments, overridden: new Set(['ctaTree']) }),
    });
    const { sut, runner } = build({ experiments });
    await sut.reply(dto({ message: '', cta_id: 'promo' }));
    expect(experiments.assign).toHaveBeenCalledWith(business, 'session-123');
    expect(runner.run).toHaveBeenCalledWith(
      expect.objectContaining({
        business: variant,
        experiments: assignments,
        cta: expect.objectContaining({ kind: 'send' }),
      }),
      expect.objectContaining({ waited: false }),
      undefined,
      ahead,
    );
  });

  it('lets an unknown business fail with its 404 before anything is written', async () => {
    const notFound = TenantErrors.notFound('x');
    const tenants = strictMock<TenantService>({ getCached: jest.fn().mockRejectedValue(notFound) });
    const { sut } = build({ tenants, store: strictMock<SessionStore>(), runner: strictMock<ChatTurnRunner>() });
    await expect(sut.openStream(dto())).rejects.toBe(notFound);
  });

  it('streams the runner deltas, then ctas, then done', async () => {
    const runner = runnerWith({
      run: jest.fn(async (_turn, _lock, sink?: { delta?: (t: string) => void }) => {
        sink?.delta?.('Hi');
        sink?.delta?.('!');
        return reply;
      }),
    });
    const { sut } = build({ runner });
    const events: ChatStreamEvent[] = [];
    for await (const e of await sut.openStream(dto())) events.push(e);
    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'ctas', 'done']);
    expect(events.at(-1)).toEqual({ event: 'done', data: reply });
  });

  it('ends the stream with an error event, without internals, when the turn fails', async () => {
    const runner = runnerWith({
      run: jest.fn().mockRejectedValue(new Error('pg: connection refused at 10.0.0.3')),
    });
    const { sut } = build({ runner });
    const events: ChatStreamEvent[] = [];
    for await (const e of await sut.openStream(dto())) events.push(e);
    expect(events).toEqual([
      {
        event: 'error',
        data: { message: expect.stringMatching(/^Something went wrong; please try again \(error id [0-9a-f-]{36}\)$/) },
      },
    ]);
  });

  it('reports an unexpected stream failure with the error id the visitor got', async () => {
    const failure = new Error('unexpected');
    const reported: [unknown, ReportedErrorContext][] = [];
    const reporter = strictMock<ErrorReporter>({
      report: (e: unknown, c: ReportedErrorContext) => reported.push([e, c]),
    });
    const runner = runnerWith({ run: jest.fn().mockRejectedValue(failure) });
    const { sut } = build({ runner, reporter });
    const events: ChatStreamEvent[] = [];
    for await (const e of await sut.openStream(dto())) events.push(e);
    const message = String((events[0].data as { message: string }).message);
    expect(reported).toEqual([[failure, { errorId: expect.any(String), method: 'POST', route: '/chat/stream' }]]);
    expect(message).toContain(`(error id ${reported[0][1].errorId})`);
  });

  it('names the unavailable dependency in the error event when Redis drops mid-stream', async () => {
    const runner = runnerWith({ run: jest.fn().mockRejectedValue(new Error('Connection is closed.')) });
    const { sut } = build({ runner });
    const events: ChatStreamEvent[] = [];
    for await (const e of await sut.openStream(dto())) events.push(e);
    expect(events).toEqual([
      {
        event: 'error',
        data: { message: 'The session store is unavailable; please retry shortly', code: 'INFRA.REDIS_UNAVAILABLE' },
      },
    ]);
  });
});
