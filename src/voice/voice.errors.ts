import { AppError } from 'src/common/errors/app-error';

export const VoiceErrorCode = {
  NOT_CONFIGURED: 'VOICE.NOT_CONFIGURED',
  TOKEN_REQUIRED: 'VOICE.TWILIO_TOKEN_REQUIRED',
  NUMBER_TAKEN: 'VOICE.NUMBER_TAKEN',
  BAD_SIGNATURE: 'VOICE.BAD_SIGNATURE',
} as const;

export const VoiceErrors = {
  notConfigured: (businessId: string) =>
    new AppError('NOT_FOUND', VoiceErrorCode.NOT_CONFIGURED, `Business "${businessId}" has no voice configuration`),
  tokenRequired: () =>
    new AppError('VALIDATION', VoiceErrorCode.TOKEN_REQUIRED, 'twilioAuthToken is required the first time voice is configured'),
  numberTaken: (numbers: string[]) =>
    new AppError('CONFLICT', VoiceErrorCode.NUMBER_TAKEN, `phoneNumbers already belong to another business: ${numbers.join(', ')}`),
  badSignature: () => new AppError('FORBIDDEN', VoiceErrorCode.BAD_SIGNATURE, 'Invalid X-Twilio-Signature'),
};
