import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const ChatErrorCatalogue = defineErrors({
  UNKNOWN_CTA: {
    code: 'CHAT.UNKNOWN_CTA',
    kind: 'VALIDATION',
    meaning: '`cta_id` is not a button of this business.',
  },
  EMPTY_MESSAGE: {
    code: 'CHAT.EMPTY_MESSAGE',
    kind: 'VALIDATION',
    meaning: '`message` is blank and no `cta_id` was given.',
  },
  MESSAGE_TOO_LONG: {
    code: 'CHAT.MESSAGE_TOO_LONG',
    kind: 'VALIDATION',
    meaning: '`message` is longer than `MAX_MESSAGE_CHARS`.',
  },
  INVALID_METADATA: {
    code: 'CHAT.INVALID_METADATA',
    kind: 'VALIDATION',
    meaning:
      '`metadata` is not a flat object of at most 20 keys matching `^[A-Za-z0-9_.-]{1,40}$` with string, number or boolean values, 2 KB at most as JSON.',
  },
});

export const ChatErrors = {
  unknownCta: (ctaId: string) =>
    new AppError(ChatErrorCatalogue.UNKNOWN_CTA, `cta_id "${ctaId}" is not a button of this business`),
  messageTooLong: (max: number) =>
    new AppError(ChatErrorCatalogue.MESSAGE_TOO_LONG, `message must be at most ${max} characters`),
  invalidMetadata: (problem: string) => new AppError(ChatErrorCatalogue.INVALID_METADATA, problem),
  emptyMessage: () =>
    new AppError(ChatErrorCatalogue.EMPTY_MESSAGE, 'message must not be blank unless cta_id is given'),
};
