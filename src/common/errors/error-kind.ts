/**
 * The kinds of failure the platform distinguishes. The exception filter maps each to one HTTP
 * status in an exhaustive switch, so adding a kind without a mapping fails to compile.
 */
export type ErrorKind =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';
