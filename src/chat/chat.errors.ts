import { AppError } from 'src/common/errors/app-error';

export const ChatErrorCode = {
  UNKNOWN_CTA: 'CHAT.UNKNOWN_CTA',
  EMPTY_MESSAGE: 'CHAT.EMPTY_MESSAGE',
  MESSAGE_TOO_LONG: 'CHAT.MESSAGE_TOO_LONG',
} as const;

export const ChatErrors = {
  unknownCta: (ctaId: string) =>
    new AppError('VALIDATION', ChatErrorCode.UNKNOWN_CTA, `cta_id "${ctaId}" is not a button of this business`),
  messageTooLong: (max: number) =>
    new AppError('VALIDATION', ChatErrorCode.MESSAGE_TOO_LONG, `message must be at most ${max} characters`),
  emptyMessage: () =>
    new AppError('VALIDATION', ChatErrorCode.EMPTY_MESSAGE, 'message must not be blank unless cta_id is given'),
};
