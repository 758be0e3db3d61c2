import { randomBytes } from 'node:crypto';

export const uniqueBusinessId = (prefix = 'biz') => `${prefix}-${randomBytes(5).toString('hex')}`;

export const ctaTreeFactory = {
  build: () => ({
    main_menu: {
      id: 'main_menu',
      label: 'Menu',
      action: 'show_children',
      children: ['sales', 'support', 'book_appointment'],
    },
    sales: {
      id: 'sales',
      label: 'Sales Team',
      action: 'show_children',
      children: ['pricing', 'book_appointment'],
      message: 'What interests you?',
    },
    pricing: { id: 'pricing', label: 'Pricing', action: 'send', message: 'How much does it cost?' },
    support: { id: 'support', label: 'Support', action: 'send', message: 'I need support.' },
    book_appointment: {
      id: 'book_appointment',
      label: 'Book an Appointment',
      action: 'link',
      url: 'https://calendly.com/acme/demo',
    },
  }),
};

export const businessFactory = {
  build: (overrides: Record<string, unknown> = {}) => ({
    businessId: uniqueBusinessId(),
    businessName: 'Acme Plumbing',
    systemPrompt: 'You are the concierge for Acme Plumbing. SECRET-PROMPT-CANARY',
    primaryGoal: 'Book service calls',
    personality: 'Warm and brief',
    greetingMessage: 'Hi, welcome to Acme Plumbing!',
    secondaryGreetingMessage: 'Ask me anything or pick an option below.',
    privacyStatement: 'We only use your details to contact you.',
    themeColor: '#336699',
    widgetPosition: 'bottom-right',
    websiteUrl: 'https://acme.example.com',
    contactEmail: 'hello@acme.example.com',
    contactPhone: '+1 415 555 0100',
    chatbotButtonText: 'Send',
    rules: ['Never quote prices.'],
    ctaTree: ctaTreeFactory.build(),
    ...overrides,
  }),
};
