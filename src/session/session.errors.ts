import { AppError } from 'src/common/errors/app-error';

export const SessionErrorCode = {
  NOT_FOUND: 'SESSION.NOT_FOUND',
  BUSY: 'SESSION.BUSY',
} as const;

export const SessionErrors = {
  notFound: (sessionId: string) =>
    new AppError('NOT_FOUND', SessionErrorCode.NOT_FOUND, `Session "${sessionId}" not found`),
  busy: () =>
    new AppError('UNAVAILABLE', SessionErrorCode.BUSY, 'This conversation is busy with another message; please retry', {
      retryAfterSeconds: 2,
    }),
};
