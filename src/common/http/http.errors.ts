import { AppError } from 'src/common/errors/app-error';

/** Refusals at the HTTP edge, before a request reaches a module: body framing, size and shape. */
export const HttpErrorCode = {
  UNSUPPORTED_MEDIA_TYPE: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  BODY_TOO_LARGE: 'HTTP.BODY_TOO_LARGE',
  BODY_TOO_DEEP: 'HTTP.BODY_TOO_DEEP',
  FORBIDDEN_KEY: 'HTTP.FORBIDDEN_KEY',
  INVALID_UTF8: 'HTTP.INVALID_UTF8',
  INVALID_JSON: 'HTTP.INVALID_JSON',
  INVALID_BODY: 'HTTP.INVALID_BODY',
  UNSUPPORTED_ENCODING: 'HTTP.UNSUPPORTED_ENCODING',
} as const;

export const HttpErrors = {
  unsupportedMediaType: (expected: string) =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, `Content-Type must be ${expected}`),
  bodyTooLarge: () => new AppError('PAYLOAD_TOO_LARGE', HttpErrorCode.BODY_TOO_LARGE, 'Request body is too large'),
  bodyTooDeep: (maxDepth: number) =>
    new AppError('VALIDATION', HttpErrorCode.BODY_TOO_DEEP, `Request body is nested deeper than ${maxDepth} levels`),
  forbiddenKey: (key: string) =>
    new AppError('VALIDATION', HttpErrorCode.FORBIDDEN_KEY, `Request body must not contain the key "${key}"`),
  invalidJson: () => new AppError('VALIDATION', HttpErrorCode.INVALID_JSON, 'Request body is not valid JSON'),
  invalidBody: () => new AppError('VALIDATION', HttpErrorCode.INVALID_BODY, 'Request body is malformed'),
  unsupportedEncoding: () =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', HttpErrorCode.UNSUPPORTED_ENCODING, 'Unsupported request body encoding'),
  invalidUtf8: () => new AppError('VALIDATION', HttpErrorCode.INVALID_UTF8, 'Request body is not valid UTF-8'),
};
