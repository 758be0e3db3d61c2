import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const HandoffErrorCatalogue = defineErrors({
  NOT_HANDED_OFF: {
    code: 'HANDOFF.NOT_HANDED_OFF',
    kind: 'NOT_FOUND',
    meaning: 'The session is not handed off to a person (never was, or was already released).',
  },
});

export const HandoffErrors = {
  notHandedOff: (sessionId: string) =>
    new AppError(HandoffErrorCatalogue.NOT_HANDED_OFF, `Session ${sessionId} is not handed off`),
};
