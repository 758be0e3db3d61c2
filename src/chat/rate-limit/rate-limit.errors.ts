import { AppError } from 'src/common/errors/app-error';

export const RateLimitErrorCode = {
  /** Too many messages in one conversation (business_id + session_id). */
  SESSION: 'RATE_LIMIT.SESSION',
  /** Too many chat requests from one client IP. */
  IP: 'RATE_LIMIT.IP',
} as const;

export const RateLimitErrors = {
  session: (retryAfterSeconds: number) =>
    new AppError(
      'RATE_LIMITED',
      RateLimitErrorCode.SESSION,
      `Too many messages in this conversation; try again in ${retryAfterSeconds} seconds`,
      { retryAfterSeconds },
    ),
  ip: (retryAfterSeconds: number) =>
    new AppError(
      'RATE_LIMITED',
      RateLimitErrorCode.IP,
      `Too many requests from this address; try again in ${retryAfterSeconds} seconds`,
      {
        retryAfterSeconds,
      },
    ),
};
