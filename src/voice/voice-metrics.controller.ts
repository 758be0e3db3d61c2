import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { VoiceMetrics, VoiceMetricsSnapshot } from 'src/voice/voice-metrics.service';

class VoiceMetricsResponseDto {
  @ApiProperty({
    example: {
      callsActive: 2,
      callsTotal: 40,
      framesIn: 120000,
      framesOut: 80000,
      framesDropped: 0,
      bargeIns: 12,
      toolCalls: 9,
      reconnects: 1,
      modelFailures: 0,
      rejectedSockets: 3,
      responseLatencyMs: { p50: 640, p95: 1200 },
      frameProcessingMs: { p50: 0.05, p99: 0.3 },
      outboundChunkProcessingMs: { p50: 0.2, p99: 0.9 },
    },
  })
  metrics: VoiceMetricsSnapshot;
}

@ApiTags('admin: voice')
@AdminOnly()
@Controller('admin/voice')
export class VoiceMetricsController {
  constructor(private readonly metrics: VoiceMetrics) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Phone bridge metrics of this instance: active calls, frames, barge-ins, response latency' })
  @ApiOkResponse({ type: VoiceMetricsResponseDto })
  getVoiceMetrics(): VoiceMetricsResponseDto {
    return { metrics: this.metrics.snapshot() };
  }
}
