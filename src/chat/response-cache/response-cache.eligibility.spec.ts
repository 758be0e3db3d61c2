import { cacheBypass } from 'src/chat/response-cache/response-cache.eligibility';
import { newSessionState, SessionState } from 'src/conversation/session-state';

const fresh = (): SessionState => newSessionState('acme', 'session-1', 'chat');

describe(cacheBypass.name, () => {
  it('lets a new session without captured fields use the cache', () => {
    expect(cacheBypass(fresh())).toBeNull();
  });

  it('bypasses the cache once any lead field is captured', () => {
    const state = fresh();
    state.captured = { email: 'jane@example.com' };

    expect(cacheBypass(state)).toBe('lead_fields');
  });

  it('ignores captured fields that are empty', () => {
    const state = fresh();
    state.captured = { firstName: '' };

    expect(cacheBypass(state)).toBeNull();
  });

  it('bypasses the cache while the last reply asked for a lead field', () => {
    const state = fresh();
    state.conversation.awaitingField = 'phone';

    expect(cacheBypass(state)).toBe('asked_lead_field');
  });

  it('bypasses the cache for a follow-up, whose meaning depends on the turns before it', () => {
    const state = fresh();
    state.history = [
      { role: 'user', text: 'What are your hours?' },
      { role: 'model', text: '9 to 5.' },
    ];

    expect(cacheBypass(state)).toBe('conversation');
  });

  it('bypasses the cache when earlier turns survive only in the summary', () => {
    expect(cacheBypass({ ...fresh(), summary: 'The visitor asked about hours.' })).toBe('conversation');
  });

  it('bypasses the cache while a flow is active, where the session keeps it', () => {
    const state = fresh();
    state.conversation.flow = { flow: 'booking', state: 'date' };

    expect(cacheBypass(state)).toBe('flow');
  });
});
