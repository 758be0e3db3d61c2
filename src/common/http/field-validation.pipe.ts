import { BadRequestException, HttpException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

import type { FieldProblem } from 'src/common/errors/app-error';

/** Enough for any form; a hostile payload with thousands of bad keys cannot make the answer grow with it. */
const MAX_FIELDS = 50;

/**
 * Nest's ValidationPipe with the same messages, plus `fields`: each problem by the dotted path of the input it names,
 * so the admin console can show it next to that input instead of parsing sentences.
 */
export class FieldValidationPipe extends ValidationPipe {
  override createExceptionFactory() {
    const messagesOnly = super.createExceptionFactory();
    return (errors: ValidationError[] = []) => {
      const exception = messagesOnly(errors);
      if (!(exception instanceof HttpException)) return exception;
      const response = exception.getResponse();
      const fields = fieldProblems(errors);
      if (typeof response !== 'object' || !fields.length) return exception;
      return new BadRequestException({ ...response, fields });
    };
  }
}

/** Depth first, in the order class-validator reports, stopping at MAX_FIELDS. */
export function fieldProblems(
  errors: readonly ValidationError[],
  parent = '',
  out: FieldProblem[] = [],
): FieldProblem[] {
  for (const error of errors) {
    if (out.length >= MAX_FIELDS) break;
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const constraint of Object.values(error.constraints ?? {})) {
      if (out.length >= MAX_FIELDS) break;
      // Worded as ValidationPipe words nested messages ("settings.x must not be less than 0").
      out.push({ path, message: parent ? `${parent}.${constraint}` : constraint });
    }
    if (error.children?.length) fieldProblems(error.children, path, out);
  }
  return out;
}
