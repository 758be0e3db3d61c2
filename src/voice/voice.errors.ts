import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const VoiceErrorCatalogue = defineErrors({
  NOT_CONFIGURED: {
    code: 'VOICE.NOT_CONFIGURED',
    kind: 'NOT_FOUND',
    meaning: 'The business has no voice configuration.',
  },
  TOKEN_REQUIRED: {
    code: 'VOICE.TWILIO_TOKEN_REQUIRED',
    kind: 'VALIDATION',
    meaning: '`twilioAuthToken` is required the first time voice is configured for a business.',
  },
  NUMBER_TAKEN: {
    code: 'VOICE.NUMBER_TAKEN',
    kind: 'CONFLICT',
    meaning: 'A phone number in the voice configuration already belongs to another business.',
  },
  BAD_SIGNATURE: {
    code: 'VOICE.BAD_SIGNATURE',
    kind: 'FORBIDDEN',
    meaning: 'A Twilio webhook whose `X-Twilio-Signature` does not check out, or that names no configured number.',
  },
  NO_PUBLIC_BASE_URL: {
    code: 'VOICE.NO_PUBLIC_BASE_URL',
    kind: 'UNAVAILABLE',
    meaning: 'Twilio webhooks cannot be verified because `PUBLIC_BASE_URL` is not set.',
  },
  // The Live-model failures end a call (the caller hears an apology); they never become an HTTP answer.
  MODEL_UNAVAILABLE: {
    code: 'VOICE.MODEL_UNAVAILABLE',
    kind: 'UNAVAILABLE',
    meaning: 'Calls: no Live model is configured (`GEMINI_API_KEY` is not set).',
  },
  MODEL_PAUSED: {
    code: 'VOICE.MODEL_PAUSED',
    kind: 'UNAVAILABLE',
    meaning: 'Calls: connects to the Live model are paused for a while after repeated failures.',
  },
  MODEL_REFUSED: {
    code: 'VOICE.MODEL_REFUSED',
    kind: 'UNAVAILABLE',
    meaning: 'Calls: the Live model closed the connection before the session was set up.',
  },
  MODEL_TIMEOUT: {
    code: 'VOICE.MODEL_TIMEOUT',
    kind: 'UNAVAILABLE',
    meaning: 'Calls: the Live model did not accept the connection within `VOICE_MODEL_CONNECT_TIMEOUT_MS`.',
  },
});

const TOKEN_REQUIRED_MESSAGE = 'twilioAuthToken is required the first time voice is configured';

export const VoiceErrors = {
  notConfigured: (businessId: string) =>
    new AppError(VoiceErrorCatalogue.NOT_CONFIGURED, `Business "${businessId}" has no voice configuration`),
  tokenRequired: () =>
    new AppError(VoiceErrorCatalogue.TOKEN_REQUIRED, TOKEN_REQUIRED_MESSAGE, {
      fields: [{ path: 'twilioAuthToken', message: TOKEN_REQUIRED_MESSAGE }],
    }),
  numberTaken: (numbers: string[]) =>
    new AppError(
      VoiceErrorCatalogue.NUMBER_TAKEN,
      `phoneNumbers already belong to another business: ${numbers.join(', ')}`,
      { fields: [{ path: 'phoneNumbers', message: `Already used by another business: ${numbers.join(', ')}` }] },
    ),
  badSignature: () => new AppError(VoiceErrorCatalogue.BAD_SIGNATURE, 'Invalid X-Twilio-Signature'),
  noPublicBaseUrl: () =>
    new AppError(VoiceErrorCatalogue.NO_PUBLIC_BASE_URL, 'Voice needs PUBLIC_BASE_URL to verify Twilio signatures'),
  modelUnavailable: () => new AppError(VoiceErrorCatalogue.MODEL_UNAVAILABLE, 'GEMINI_API_KEY is not set'),
  modelPaused: () => new AppError(VoiceErrorCatalogue.MODEL_PAUSED, 'Live model paused after repeated failures'),
  modelRefused: (closeCode: number) =>
    new AppError(VoiceErrorCatalogue.MODEL_REFUSED, `Live model closed the connection (${closeCode})`),
  modelTimeout: () => new AppError(VoiceErrorCatalogue.MODEL_TIMEOUT, 'Live model did not answer in time'),
};
