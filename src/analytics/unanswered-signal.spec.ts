import { unansweredReason } from 'src/analytics/unanswered-signal';

describe('unansweredReason', () => {
  it('flags a question with no passages above the threshold as low confidence', () => {
    expect(unansweredReason({ intent: 'pricing', passages: 0, reply: 'Our team will follow up.' })).toBe(
      'low_confidence',
    );
  });

  it('flags a reply that says it does not have the information, even with passages', () => {
    const reply = "I'm sorry, I don't have that information in the Acme knowledge base, so I'd rather not guess.";
    expect(unansweredReason({ intent: 'other', passages: 3, reply })).toBe('dont_know');
    expect(unansweredReason({ intent: 'other', passages: 1, reply: 'I do not know the opening hours.' })).toBe(
      'dont_know',
    );
  });

  it('does not flag small talk without passages, nor an answered question', () => {
    expect(unansweredReason({ intent: 'greeting', passages: 0, reply: 'Hi there!' })).toBeNull();
    expect(unansweredReason({ intent: 'pricing', passages: 2, reply: 'Plans start at $10.' })).toBeNull();
  });
});
