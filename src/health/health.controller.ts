import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { PublicApi } from 'src/common/auth/public-api.decorator';
import { RedisConnection } from 'src/redis/redis-connection';

@ApiTags('health')
@PublicApi()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database and Redis (when configured) reachable' })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const check = this.indicators.check('redis');
        const { client } = this.redis;
        if (!client) return check.up({ mode: 'in-process' });
        try {
          await client.ping();
          return check.up({ mode: 'redis' });
        } catch (err) {
          return check.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
