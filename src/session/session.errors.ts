import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const SessionErrorCatalogue = defineErrors({
  NOT_FOUND: { code: 'SESSION.NOT_FOUND', kind: 'NOT_FOUND', meaning: 'No session with this id for this business.' },
  BUSY: {
    code: 'SESSION.BUSY',
    kind: 'UNAVAILABLE',
    meaning: 'Another message on the same conversation is still being answered; retry after `Retry-After` seconds.',
  },
  // Lower case as published in issue 11 (clients match on them).
  TOKEN_REQUIRED: {
    code: 'session.token_required',
    kind: 'FORBIDDEN',
    meaning: 'Continuing an existing chat session needs its `session_token`; or omit `session_id` to start a new one.',
  },
  TOKEN_INVALID: {
    code: 'session.token_invalid',
    kind: 'FORBIDDEN',
    meaning: '`session_token` does not belong to this session (another session, business or an older secret).',
  },
  VOICE_ONLY: {
    code: 'session.voice_only',
    kind: 'FORBIDDEN',
    meaning: '`session_id` names a phone call (a Twilio CallSid), which chat never continues.',
  },
});

export const SessionErrors = {
  notFound: (sessionId: string) => new AppError(SessionErrorCatalogue.NOT_FOUND, `Session "${sessionId}" not found`),
  busy: () =>
    new AppError(SessionErrorCatalogue.BUSY, 'This conversation is busy with another message; please retry', {
      retryAfterSeconds: 2,
    }),
  tokenRequired: () =>
    new AppError(
      SessionErrorCatalogue.TOKEN_REQUIRED,
      'This session already exists: send the session_token it was issued with (body session_token or header X-Session-Token), or omit session_id to start a new session',
    ),
  historyTokenRequired: () =>
    new AppError(
      SessionErrorCatalogue.TOKEN_REQUIRED,
      'Reading a session needs the session_token it was issued with (header X-Session-Token)',
    ),
  tokenInvalid: () =>
    new AppError(
      SessionErrorCatalogue.TOKEN_INVALID,
      'session_token does not belong to this session; omit session_id to start a new session',
    ),
  voiceOnly: () =>
    new AppError(
      SessionErrorCatalogue.VOICE_ONLY,
      'This session_id belongs to the phone channel (Twilio CallSid ids are reserved for calls); omit session_id to start a chat session',
    ),
};
