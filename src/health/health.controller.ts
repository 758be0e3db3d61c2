import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';

import { PublicApi } from 'src/common/auth/public-api.decorator';
import { DrainState } from 'src/common/lifecycle/drain-state';
import { ReadinessProbe } from 'src/health/readiness.probe';

@ApiTags('health')
@PublicApi()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly probe: ReadinessProbe,
    private readonly drain: DrainState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * A failing check answers 503 with Terminus' own body (which dependency is down), rather than going through the
   * exception filter, whose error format has no room for per-dependency details.
   */
  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: database (a real query) and Redis (PING, when configured) answer in time, and the instance is not draining',
  })
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    if (this.drain.draining) {
      // Answered without touching a dependency: the point is to leave the load balancer's rotation at once.
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      const lifecycle = { status: 'down' as const, message: 'shutting down' };
      return { status: 'error', info: {}, error: { lifecycle }, details: { lifecycle } };
    }
    try {
      return await this.health.check([() => this.probe.checkDatabase(), () => this.probe.checkRedis()]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return err.getResponse() as HealthCheckResult;
    }
  }
}
