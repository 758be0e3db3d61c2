import { assertChatMayLoad, ChatSessionAccess } from 'src/chat/session-access';
import type { SessionState } from 'src/conversation/session-state';
import type { SessionStore } from 'src/session/session-store.port';
import type { SessionTokens } from 'src/session/session-tokens';
import type { TranscriptService } from 'src/session/transcript.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { strictMock } from 'test/support/strict-mock';

const business = (settings = {}) => ({ businessId: 'acme', settings }) as unknown as TenantConfig;
const tokens = strictMock<SessionTokens>({
  issue: (b: string, s: string) => `tok:${b}:${s}`,
  matches: (given: string, issued: string) => given === issued,
});
const CALL_SID = `CA${'0a'.repeat(16)}`;

describe(ChatSessionAccess.name, () => {
  function build(existing: { live?: boolean; transcript?: boolean } = {}) {
    const store = strictMock<SessionStore>({
      get: jest.fn().mockResolvedValue(existing.live ? ({ sessionId: 'session-123' } as SessionState) : null),
    });
    const transcripts = strictMock<TranscriptService>({
      channelOf: jest.fn().mockResolvedValue(existing.transcript ? 'chat' : null),
    });
    return { sut: new ChatSessionAccess(tokens, store, transcripts), store, transcripts };
  }

  it('generates an id (and its token) when the request has none, without looking anything up', async () => {
    const sut = new ChatSessionAccess(tokens, strictMock<SessionStore>(), strictMock<TranscriptService>());
    const grant = await sut.authorize(business(), undefined, undefined);
    expect(grant.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(grant).toEqual({ sessionId: grant.sessionId, token: `tok:acme:${grant.sessionId}`, mayContinue: false });
  });

  it('lets a valid token continue without looking the session up', async () => {
    const sut = new ChatSessionAccess(tokens, strictMock<SessionStore>(), strictMock<TranscriptService>());
    await expect(sut.authorize(business(), 'session-123', 'tok:acme:session-123')).resolves.toEqual({
      sessionId: 'session-123',
      token: 'tok:acme:session-123',
      mayContinue: true,
    });
  });

  it('refuses a token of another session with session.token_invalid', async () => {
    const { sut } = build();
    await expect(sut.authorize(business(), 'session-123', 'tok:acme:session-999')).rejects.toMatchObject({
      kind: 'FORBIDDEN',
      code: 'session.token_invalid',
    });
  });

  it.each([
    ['live in the store', { live: true }],
    ['only in the transcript', { transcript: true }],
  ])('requires the token for a session %s', async (_name, existing) => {
    const { sut } = build(existing);
    await expect(sut.authorize(business(), 'session-123', undefined)).rejects.toMatchObject({
      kind: 'FORBIDDEN',
      code: 'session.token_required',
    });
  });

  it('lets an id the server has never seen start a new session only', async () => {
    const { sut, store, transcripts } = build();
    await expect(sut.authorize(business(), 'session-123', undefined)).resolves.toEqual({
      sessionId: 'session-123',
      token: 'tok:acme:session-123',
      mayContinue: false,
    });
    expect(store.get).toHaveBeenCalledWith('acme', 'session-123');
    expect(transcripts.channelOf).toHaveBeenCalledWith('acme', 'session-123');
  });

  it('lets anyone continue on a tenant that opted out', async () => {
    const sut = new ChatSessionAccess(tokens, strictMock<SessionStore>(), strictMock<TranscriptService>());
    await expect(sut.authorize(business({ sessionTokens: 'off' }), 'session-123', undefined)).resolves.toMatchObject({
      mayContinue: true,
    });
  });

  it.each([
    ['without a token', undefined, {}],
    ['on a tenant that opted out', undefined, { sessionTokens: 'off' }],
    ['with a token minted for it', `tok:acme:${CALL_SID}`, {}],
  ])('refuses a CallSid-shaped id %s with session.voice_only', async (_name, token, settings) => {
    const sut = new ChatSessionAccess(tokens, strictMock<SessionStore>(), strictMock<TranscriptService>());
    await expect(sut.authorize(business(settings), CALL_SID, token)).rejects.toMatchObject({
      kind: 'FORBIDDEN',
      code: 'session.voice_only',
    });
  });
});

describe(assertChatMayLoad.name, () => {
  it('refuses a voice session even to a request that may continue', () => {
    expect(() => assertChatMayLoad('voice', true)).toThrow(expect.objectContaining({ code: 'session.voice_only' }));
  });

  it('refuses an existing chat session to a request that may only start one', () => {
    expect(() => assertChatMayLoad('chat', false)).toThrow(expect.objectContaining({ code: 'session.token_required' }));
  });

  it('lets a request that may continue load its chat session', () => {
    expect(() => assertChatMayLoad('chat', true)).not.toThrow();
  });
});
