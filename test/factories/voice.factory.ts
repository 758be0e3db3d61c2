import { randomBytes } from 'node:crypto';

/** A fresh E.164 number in the fictional 555-01xx range, unique per test run. */
export const uniquePhoneNumber = () => `+1415${String(Math.floor(1e6 + Math.random() * 8.9e6)).slice(0, 7)}`;
export const callSid = () => `CA${randomBytes(16).toString('hex')}`;
export const twilioAuthToken = () => randomBytes(16).toString('hex');

export const voiceConfigFactory = {
  build: (overrides: Record<string, unknown> = {}) => ({
    enabled: true,
    phoneNumbers: [uniquePhoneNumber()],
    twilioAuthToken: twilioAuthToken(),
    voiceName: 'Aoede',
    language: 'en-US',
    greeting: 'Thanks for calling Acme Plumbing, how can I help?',
    maxCallSeconds: 600,
    ...overrides,
  }),
};
