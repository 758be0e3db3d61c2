import { AppError } from 'src/common/errors/app-error';

export const SessionErrorCode = {
  NOT_FOUND: 'SESSION.NOT_FOUND',
  BUSY: 'SESSION.BUSY',
  // Lower case as published in issue 11 (clients match on them).
  TOKEN_REQUIRED: 'session.token_required',
  TOKEN_INVALID: 'session.token_invalid',
  VOICE_ONLY: 'session.voice_only',
} as const;

export const SessionErrors = {
  notFound: (sessionId: string) =>
    new AppError('NOT_FOUND', SessionErrorCode.NOT_FOUND, `Session "${sessionId}" not found`),
  busy: () =>
    new AppError('UNAVAILABLE', SessionErrorCode.BUSY, 'This conversation is busy with another message; please retry', {
      retryAfterSeconds: 2,
    }),
  tokenRequired: () =>
    new AppError(
      'FORBIDDEN',
      SessionErrorCode.TOKEN_REQUIRED,
      'This session already exists: send the session_token it was issued with (body session_token or header X-Session-Token), or omit session_id to start a new session',
    ),
  tokenInvalid: () =>
    new AppError(
      'FORBIDDEN',
      SessionErrorCode.TOKEN_INVALID,
      'session_token does not belong to this session; omit session_id to start a new session',
    ),
  voiceOnly: () =>
    new AppError(
      'FORBIDDEN',
      SessionErrorCode.VOICE_ONLY,
      'This session_id belongs to the phone channel (Twilio CallSid ids are reserved for calls); omit session_id to start a chat session',
    ),
};
