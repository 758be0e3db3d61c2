import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const RateLimitErrorCatalogue = defineErrors({
  SESSION: {
    code: 'RATE_LIMIT.SESSION',
    kind: 'RATE_LIMITED',
    meaning: 'Too many messages in one conversation; wait for `Retry-After` seconds.',
  },
  IP: {
    code: 'RATE_LIMIT.IP',
    kind: 'RATE_LIMITED',
    meaning: 'Too many chat requests from one client IP; wait for `Retry-After` seconds.',
  },
});

export const RateLimitErrors = {
  session: (retryAfterSeconds: number) =>
    new AppError(
      RateLimitErrorCatalogue.SESSION,
      `Too many messages in this conversation; try again in ${retryAfterSeconds} seconds`,
      { retryAfterSeconds },
    ),
  ip: (retryAfterSeconds: number) =>
    new AppError(
      RateLimitErrorCatalogue.IP,
      `Too many requests from this address; try again in ${retryAfterSeconds} seconds`,
      {
        retryAfterSeconds,
      },
    ),
};
