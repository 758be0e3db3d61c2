import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

import { MetricsService } from 'src/metrics/metrics.service';

/**
 * Prometheus scrape endpoint on the main port, registered only when METRICS_TOKEN is set and METRICS_PORT is not
 * (src/metrics/metrics.module.ts); otherwise /metrics is the same 404 as any unknown path. Left out of the OpenAPI
 * document: it is for the operator's scraper, not for API clients.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrapeMetrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const exposition = await this.metrics.scrape(authorization);
    res.setHeader('Content-Type', exposition.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return exposition.body;
  }
}
