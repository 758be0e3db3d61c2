import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const SimulationErrorCatalogue = defineErrors({
  INVALID_TURN: {
    code: 'SIMULATION.INVALID_TURN',
    kind: 'VALIDATION',
    meaning:
      'A simulated turn would be refused by `/chat` (blank message without `cta_id`, too long, unknown `cta_id`, bad `metadata`); the message names the turn. Nothing ran.',
  },
  UNKNOWN_TEST: {
    code: 'SIMULATION.UNKNOWN_TEST',
    kind: 'VALIDATION',
    meaning: '`names` lists a conversation test the business config does not have.',
  },
});

export const SimulationErrors = {
  invalidTurn: (index: number, field: string, problem: string) =>
    new AppError(SimulationErrorCatalogue.INVALID_TURN, `turns[${index}]: ${problem}`, {
      fields: [{ path: `turns.${index}.${field}`, message: problem }],
    }),
  unknownTests: (names: string[]) =>
    new AppError(
      SimulationErrorCatalogue.UNKNOWN_TEST,
      `No conversation test named ${names.map((n) => `"${n}"`).join(', ')}`,
    ),
};
