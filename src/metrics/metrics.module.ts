import { DynamicModule, Global, Module, Provider } from '@nestjs/common';

import { ErrorReporter } from 'src/common/errors/error-reporter.port';
import { Metrics, NO_METRICS } from 'src/common/metrics/metrics.port';
import { AppConfig } from 'src/config/app-config.service';
import type { Env } from 'src/config/env.schema';
import { MetricsController } from 'src/metrics/metrics.controller';
import { MetricsServer } from 'src/metrics/metrics.server';
import { MetricsService } from 'src/metrics/metrics.service';
import { PrometheusMetrics } from 'src/metrics/prometheus.metrics';
import { SentryErrorReporter } from 'src/metrics/sentry.error-reporter';

/**
 * Binds the Metrics port for every module (global) and serves it: on the main port when only METRICS_TOKEN is set,
 * on METRICS_PORT when that is set, nowhere otherwise; then nothing is recorded either (the port is NO_METRICS), so
 * an instance without metrics pays nothing for them. SENTRY_DSN binds the ErrorReporter the exception filter uses.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(env: Pick<Env, 'METRICS_TOKEN' | 'METRICS_PORT' | 'SENTRY_DSN'>): DynamicModule {
    const onMainPort = env.METRICS_TOKEN !== undefined && env.METRICS_PORT === undefined;
    const onOwnPort = env.METRICS_PORT !== undefined;
    const providers: Provider[] = [];
    const exports: Array<Provider | typeof Metrics | typeof ErrorReporter> = [Metrics];
    if (onMainPort || onOwnPort) {
      providers.push(
        {
          provide: PrometheusMetrics,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new PrometheusMetrics(config.get('METRICS_TENANT_LABELS')),
        },
        { provide: Metrics, useExisting: PrometheusMetrics },
        MetricsService,
      );
      if (onOwnPort) providers.push(MetricsServer);
    } else {
      providers.push({ provide: Metrics, useValue: NO_METRICS });
    }
    if (env.SENTRY_DSN) {
      providers.push({
        provide: ErrorReporter,
        inject: [AppConfig],
        useFactory: (config: AppConfig) =>
          SentryErrorReporter.create({ dsn: config.get('SENTRY_DSN')!, environment: config.get('NODE_ENV') }),
      });
      exports.push(ErrorReporter);
    }
    return { module: MetricsModule, providers, exports, controllers: onMainPort ? [MetricsController] : [] };
  }
}
