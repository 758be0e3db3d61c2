import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const ExperimentsErrorCatalogue = defineErrors({
  NOT_FOUND: {
    code: 'EXPERIMENTS.NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: 'The business has no experiment with this id.',
  },
  LOCKED: {
    code: 'EXPERIMENTS.LOCKED',
    kind: 'CONFLICT',
    meaning:
      'A running or paused experiment keeps its variants and goal, and is not removed: stop it (status "stopped") and start a new one with a new id.',
  },
  INVALID_TRANSITION: {
    code: 'EXPERIMENTS.INVALID_TRANSITION',
    kind: 'CONFLICT',
    meaning:
      'The status change is not allowed: a draft may start or stop, a running one pause or stop, a paused one resume or stop; stopped is final.',
  },
});

export const ExperimentsErrors = {
  notFound: (experimentId: string) =>
    new AppError(ExperimentsErrorCatalogue.NOT_FOUND, `No experiment "${experimentId}" in this business`),
  locked: (experimentId: string, what: string) =>
    new AppError(
      ExperimentsErrorCatalogue.LOCKED,
      `Experiment "${experimentId}" has started: ${what}. Stop it and start a new experiment with a new id`,
      { fields: [{ path: 'experiments', message: `experiment "${experimentId}" has started: ${what}` }] },
    ),
  invalidTransition: (experimentId: string, from: string, to: string) =>
    new AppError(
      ExperimentsErrorCatalogue.INVALID_TRANSITION,
      `Experiment "${experimentId}" cannot go from ${from} to ${to}`,
    ),
};
