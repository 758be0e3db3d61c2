import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors } from 'src/common/errors/error-catalogue';

/** Refusals at the HTTP edge, before a request reaches a module: body framing, size and shape. */
export const HttpErrorCatalogue = defineErrors({
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
    kind: 'UNSUPPORTED_MEDIA_TYPE',
    meaning: 'The route does not take a body of this `Content-Type` (the message names the one it takes).',
  },
  BODY_TOO_LARGE: {
    code: 'HTTP.BODY_TOO_LARGE',
    kind: 'PAYLOAD_TOO_LARGE',
    meaning: "The body is larger than the route's limit (`BODY_LIMIT`, or `KB_BODY_LIMIT` for NDJSON uploads).",
  },
  BODY_TOO_DEEP: {
    code: 'HTTP.BODY_TOO_DEEP',
    kind: 'VALIDATION',
    meaning: 'The JSON body is nested deeper than 64 levels.',
  },
  FORBIDDEN_KEY: {
    code: 'HTTP.FORBIDDEN_KEY',
    kind: 'VALIDATION',
    meaning: 'The body contains a `__proto__` or `constructor` key.',
  },
  INVALID_UTF8: { code: 'HTTP.INVALID_UTF8', kind: 'VALIDATION', meaning: 'The body is not valid UTF-8.' },
  INVALID_JSON: { code: 'HTTP.INVALID_JSON', kind: 'VALIDATION', meaning: 'The body is not valid JSON.' },
  INVALID_BODY: {
    code: 'HTTP.INVALID_BODY',
    kind: 'VALIDATION',
    meaning: 'A body that is not JSON (a form post) could not be parsed.',
  },
  UNSUPPORTED_ENCODING: {
    code: 'HTTP.UNSUPPORTED_ENCODING',
    kind: 'UNSUPPORTED_MEDIA_TYPE',
    meaning: 'The body uses a `Content-Encoding` or charset the platform does not accept.',
  },
});

export const HttpErrorCode = codesOf(HttpErrorCatalogue);

export const HttpErrors = {
  unsupportedMediaType: (expected: string) =>
    new AppError(HttpErrorCatalogue.UNSUPPORTED_MEDIA_TYPE, `Content-Type must be ${expected}`),
  bodyTooLarge: () => new AppError(HttpErrorCatalogue.BODY_TOO_LARGE, 'Request body is too large'),
  bodyTooDeep: (maxDepth: number) =>
    new AppError(HttpErrorCatalogue.BODY_TOO_DEEP, `Request body is nested deeper than ${maxDepth} levels`),
  forbiddenKey: (key: string) =>
    new AppError(HttpErrorCatalogue.FORBIDDEN_KEY, `Request body must not contain the key "${key}"`),
  invalidJson: () => new AppError(HttpErrorCatalogue.INVALID_JSON, 'Request body is not valid JSON'),
  invalidBody: () => new AppError(HttpErrorCatalogue.INVALID_BODY, 'Request body is malformed'),
  unsupportedEncoding: () => new AppError(HttpErrorCatalogue.UNSUPPORTED_ENCODING, 'Unsupported request body encoding'),
  invalidUtf8: () => new AppError(HttpErrorCatalogue.INVALID_UTF8, 'Request body is not valid UTF-8'),
};
