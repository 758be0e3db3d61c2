import { recoverSession } from 'src/chat/pipeline/session-recovery';
import type { Transcript, TranscriptMessage } from 'src/session/transcript.service';

const msg = (
  role: TranscriptMessage['role'],
  content: string,
  payload: Record<string, unknown> | null = null,
): TranscriptMessage => ({
  role,
  content,
  toolName: role === 'tool' ? 'create_contact' : null,
  payload,
  intent: null,
  sentiment: null,
  createdAt: '2026-11-25T10:00:00.000Z',
});

const transcript = (messages: TranscriptMessage[]): Transcript => ({
  channel: 'chat',
  startedAt: '2026-11-25T10:00:00.000Z',
  lastMessageAt: '2026-11-25T10:05:00.000Z',
  messages,
});

describe(recoverSession.name, () => {
  it('re-derives locked lead fields and CRM ids, and marks the session greeted', () => {
    const state = recoverSession(
      'acme',
      'session-1',
      transcript([
        msg('user', 'hi'),
        msg('assistant', 'Welcome!'),
        msg('user', 'my email is ann@example.com, phone 415 555 2671'),
        msg('tool', 'create_contact called', { args: {}, result: { ok: true, contactId: 'ct_9' } }),
        msg('assistant', 'Thanks!'),
        msg('user', 'actually my email is ann@corp.io'),
        msg('assistant', 'Noted.'),
      ]),
      'US',
      20,
    );
    expect(state.captured).toEqual({ email: 'ann@corp.io', phone: '+14155552671' });
    expect(state.locks).toEqual({ email: true, phone: true });
    expect(state.crm).toEqual({ contactId: 'ct_9' });
    expect(state.conversation).toMatchObject({ greeted: true, turnCount: 3 });
    expect(state.metadata.recoveredFromTranscript).toBe(true);
  });

  it('merges the client metadata each user message sent, later values winning, and skips malformed ones', () => {
    const state = recoverSession(
      'acme',
      'session-1',
      transcript([
        msg('user', 'hi', { metadata: { page: '/home', plan: 'free' } }),
        msg('assistant', 'Welcome!'),
        msg('user', 'prices?', { metadata: { page: '/pricing' } }),
        msg('user', 'hm', { metadata: { 'bad key!': 1 } }),
      ]),
      'US',
      20,
    );
    expect(state.clientMetadata).toEqual({ plan: 'free', page: '/pricing' });
  });

  it('reopens the menu the last reply was shown under, and none once a reply closed it', () => {
    const open = [msg('user', 'Sales', { ctaId: 'sales' }), msg('assistant', 'Pick one', { menu: 'sales' })];
    expect(recoverSession('acme', 's', transcript(open), 'US', 20).conversation.currentCtaId).toBe('sales');
    const closed = [...open, msg('user', 'Support', { ctaId: 'support' }), msg('assistant', 'Sure', { menu: 7 })];
    expect(recoverSession('acme', 's', transcript(closed), 'US', 20).conversation.currentCtaId).toBeNull();
  });

  it('keeps only the last MAX_HISTORY_TURNS exchanges for the model', () => {
    const messages = [1, 2, 3, 4].flatMap((n) => [msg('user', `q${n}`), msg('assistant', `a${n}`)]);
    const state = recoverSession('acme', 'session-1', transcript(messages), 'US', 2);
    expect(state.history).toEqual([
      { role: 'user', text: 'q3' },
      { role: 'model', text: 'a3' },
      { role: 'user', text: 'q4' },
      { role: 'model', text: 'a4' },
    ]);
  });

  it('replays the tags, metadata and prompt profile that rules set, in order, ignoring malformed payloads', () => {
    const state = recoverSession(
      'acme',
      'session-1',
      transcript([
        msg('user', 'How much?', { metadata: { page: '/pricing' } }),
        msg('assistant', 'It depends.', {
          rules: ['r1'],
          tags: ['hot'],
          setMetadata: { stage: 'quote' },
          profile: 'sales',
        }),
        msg('user', 'ok'),
        msg('assistant', 'Sure.', { tags: ['hot', 'vip', 3], setMetadata: { 'bad key': 1 }, profile: 'support' }),
      ]),
      'US',
      10,
    );
    expect(state.conversation.tags).toEqual(['hot', 'vip']);
    expect(state.clientMetadata).toEqual({ page: '/pricing', stage: 'quote' });
    expect(state.conversation.profile).toBe('support');
  });
});
