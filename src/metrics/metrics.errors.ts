import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const MetricsErrorCatalogue = defineErrors({
  UNAUTHORIZED: {
    code: 'METRICS.UNAUTHORIZED',
    kind: 'UNAUTHORIZED',
    meaning: 'GET /metrics without `Authorization: Bearer <METRICS_TOKEN>`, or with another token.',
  },
});

export const MetricsErrors = {
  unauthorized: () =>
    new AppError(MetricsErrorCatalogue.UNAUTHORIZED, 'Metrics need the bearer token (Authorization: Bearer …)'),
};
