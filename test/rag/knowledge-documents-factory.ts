/** Small, distinct documents for a plumbing business; each answers different questions. */
export const plumbingDocumentsFactory = {
  build: (overrides: Partial<Record<'pricing' | 'hours' | 'warranty', string>> = {}) => [
    {
      url: 'https://acme.example.com/pricing',
      title: 'Pricing',
      category: 'Services',
      text:
        overrides.pricing ??
        'Drain cleaning starts at $149 per visit. Water heater installation is quoted on site after a free inspection.\n\nWe never charge for estimates.',
    },
    {
      url: 'https://acme.example.com/hours',
      title: 'Opening hours',
      category: 'Contact',
      text:
        overrides.hours ??
        'Our office is open Monday to Friday from 8am to 6pm. Emergency call-outs are available around the clock.',
    },
    {
      url: 'https://acme.example.com/warranty',
      title: 'Warranty',
      category: 'Legal',
      text:
        overrides.warranty ??
        'All repairs carry a two-year labour warranty. Parts are covered by the manufacturer warranty.',
    },
  ],
};
