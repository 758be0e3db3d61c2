import { differingNote, mergeUnverified } from 'src/crm/contact-merge';

describe(mergeUnverified.name, () => {
  const alice = {
    firstName: 'Alice',
    lastName: 'Victim',
    email: 'alice@example.com',
    phone: '+14155550100',
    company: null,
    sessionId: 'sess-a',
  };

  it('fills only empty fields and keeps differing claims apart', () => {
    const merge = mergeUnverified(alice, {
      firstName: 'Mallory',
      lastName: 'Evil',
      email: 'alice@example.com',
      phone: '+14155550199',
      company: 'Evil Corp',
    });
    expect(merge).toEqual({
      fill: { company: 'Evil Corp' },
      differing: { firstName: 'Mallory', lastName: 'Evil', phone: '+14155550199' },
    });
  });

  it('treats case, spacing and phone punctuation as the same value', () => {
    expect(
      mergeUnverified(alice, { firstName: 'alice', email: 'ALICE@example.com', phone: '+1 415-555-0100' }),
    ).toEqual({ fill: {}, differing: {} });
  });

  it('fills conversation context when empty and never notes it when it differs', () => {
    expect(mergeUnverified({ ...alice, source: null }, { sessionId: 'sess-b', source: 'voice' })).toEqual({
      fill: { source: 'voice' },
      differing: {},
    });
  });

  it('writes nothing over fields it cannot see: unknown or unreadable values are only recorded', () => {
    expect(
      mergeUnverified(
        { email: 'alice@example.com' },
        { email: 'alice@example.com', firstName: 'Mallory', sessionId: 's' },
      ),
    ).toEqual({
      fill: {},
      differing: { firstName: 'Mallory' },
    });
    expect(mergeUnverified(null, { firstName: 'Mallory', company: 'Evil Corp' })).toEqual({
      fill: {},
      differing: { firstName: 'Mallory', company: 'Evil Corp' },
    });
  });
});

describe(differingNote.name, () => {
  it('names the session and lists each differing value on its own line', () => {
    const note = differingNote(
      { firstName: 'Mallory', phone: '+14155550199' },
      { sessionId: 'sess-b', source: 'chat' },
    );
    expect(note.split('\n')).toEqual([
      expect.stringContaining('(chat, session sess-b)'),
      'First name: Mallory',
      'Phone: +14155550199',
    ]);
  });
});
