import { Injectable } from '@nestjs/common';

import { constantTimeEquals } from 'src/common/auth/constant-time';
import { AppConfig } from 'src/config/app-config.service';
import { MetricsErrors } from 'src/metrics/metrics.errors';
import { PrometheusMetrics } from 'src/metrics/prometheus.metrics';

export interface Exposition {
  contentType: string;
  body: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** GET /metrics (main port or METRICS_PORT): checks the bearer token when one is configured, then renders. */
@Injectable()
export class MetricsService {
  private readonly token: string | undefined;

  constructor(
    private readonly metrics: PrometheusMetrics,
    config: AppConfig,
  ) {
    this.token = config.get('METRICS_TOKEN');
  }

  async scrape(authorization: string | undefined): Promise<Exposition> {
    this.authorize(authorization);
    return { contentType: this.metrics.contentType, body: await this.metrics.render() };
  }

  private authorize(authorization: string | undefined): void {
    if (this.token === undefined) return;
    const given = BEARER.exec(authorization ?? '')?.[1];
    if (!given || !constantTimeEquals(given, this.token)) throw MetricsErrors.unauthorized();
  }
}
