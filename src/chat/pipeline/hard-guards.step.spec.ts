import { applyHardGuards, asksForAppointment, bookingCta, isIntroToken } from 'src/chat/pipeline/hard-guards.step';
import type { TenantConfig } from 'src/tenant/tenant-config';

const business = (overrides: Partial<TenantConfig> = {}): TenantConfig =>
  ({
    businessId: 'acme',
    businessName: 'Acme',
    greetingMessage: 'Welcome to Acme!',
    secondaryGreetingMessage: 'Pick an option.',
    ctaTree: {
      main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['sales', 'book_call'] },
      sales: { id: 'sales', label: 'Sales', action: 'send', message: 'Tell me about sales' },
      book_call: { id: 'book_call', label: 'Book a call', action: 'link', url: 'https://cal.example.com/acme' },
    },
    ...overrides,
  }) as TenantConfig;

describe(applyHardGuards.name, () => {
  it.each([
    'hi',
    ' Hello ',
    'HEY',
    'get started',
    'Show Choices',
    'what can you do',
    'reset',
    'action:click-intro',
    'Hi!',
  ])('treats "%s" as an intro token', (token) => expect(isIntroToken(token)).toBe(true));

  it.each(['hi there, what are your hours?', 'helpful', 'menu please show me'])(
    'does not treat "%s" as an intro token',
    (text) => expect(isIntroToken(text)).toBe(false),
  );

  it('answers an intro token with greeting, blank line, secondary greeting and the entry buttons, and resets', () => {
    const reply = applyHardGuards(business(), 'hello', true, 'https://default.example.com');
    expect(reply).toMatchObject({ guard: 'intro', text: 'Welcome to Acme!\n\nPick an option.', resetSession: true });
    expect(reply?.ctas.map((c) => c.id)).toEqual(['sales', 'book_call']);
  });

  it('greets a new session once on its first message without resetting it', () => {
    expect(applyHardGuards(business(), 'what do you sell?', false, 'https://d.example.com')).toMatchObject({
      guard: 'first_message',
      resetSession: false,
    });
    expect(applyHardGuards(business(), 'what do you sell?', true, 'https://d.example.com')).toBeNull();
  });

  it('falls back to a greeting naming the business when none is configured', () => {
    const reply = applyHardGuards(
      business({ greetingMessage: null, secondaryGreetingMessage: null }),
      'hi',
      true,
      'https://d.example.com',
    );
    expect(reply?.text).toBe('Hi, welcome to Acme!');
  });

  it.each([
    'Can I book an appointment?',
    'I want to schedule a call',
    'how do I make an appointment',
    'book a demo next week',
  ])('sends the booking button for "%s"', (text) => {
    expect(asksForAppointment(text)).toBe(true);
    const reply = applyHardGuards(business(), text, true, 'https://d.example.com');
    expect(reply?.guard).toBe('appointment');
    expect(reply?.ctas).toEqual([expect.objectContaining({ id: 'book_call', url: 'https://cal.example.com/acme' })]);
  });

  it('does not mistake ordinary questions for booking requests', () => {
    expect(asksForAppointment('what books do you recommend?')).toBe(false);
    expect(asksForAppointment('what are your opening hours')).toBe(false);
  });

  it('uses the platform default link when the tenant has no booking button', () => {
    expect(bookingCta(business({ ctaTree: {} }), 'https://d.example.com')).toMatchObject({
      url: 'https://d.example.com',
      action: 'link',
    });
  });
});
