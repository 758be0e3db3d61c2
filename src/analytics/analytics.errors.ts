import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const AnalyticsErrorCatalogue = defineErrors({
  INVALID_PARAM: {
    code: 'ANALYTICS.INVALID_PARAM',
    kind: 'VALIDATION',
    meaning: 'A query parameter of an analytics or sessions request is malformed (see the message for which).',
  },
  INVALID_RANGE: {
    code: 'ANALYTICS.INVALID_RANGE',
    kind: 'VALIDATION',
    meaning: '`from` and `to` must be ISO 8601 dates with `from` before `to`.',
  },
  RANGE_TOO_LONG: {
    code: 'ANALYTICS.RANGE_TOO_LONG',
    kind: 'VALIDATION',
    meaning: 'The range holds too many buckets for the interval: at most 31 days by hour and 366 days by day.',
  },
  UNKNOWN_TIMEZONE: {
    code: 'ANALYTICS.UNKNOWN_TIMEZONE',
    kind: 'VALIDATION',
    meaning: '`tz` is not an IANA time zone this server knows (e.g. `Europe/Oslo`).',
  },
  INVALID_CURSOR: {
    code: 'ANALYTICS.INVALID_CURSOR',
    kind: 'VALIDATION',
    meaning: '`cursor` is not one this API returned; start again without it.',
  },
});

export const AnalyticsErrors = {
  invalidParam: (name: string, why: string) =>
    new AppError(AnalyticsErrorCatalogue.INVALID_PARAM, `Query parameter "${name}" ${why}`),
  invalidRange: (why: string) => new AppError(AnalyticsErrorCatalogue.INVALID_RANGE, why),
  rangeTooLong: (interval: string, maxDays: number) =>
    new AppError(
      AnalyticsErrorCatalogue.RANGE_TOO_LONG,
      `A range by ${interval} may span at most ${maxDays} days; narrow from/to or use a coarser interval`,
    ),
  unknownTimezone: () => new AppError(AnalyticsErrorCatalogue.UNKNOWN_TIMEZONE, 'tz is not a known IANA time zone'),
  invalidCursor: () => new AppError(AnalyticsErrorCatalogue.INVALID_CURSOR, 'cursor is invalid; omit it to start over'),
};
