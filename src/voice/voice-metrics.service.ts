import { Injectable, Optional } from '@nestjs/common';

import { Metrics, NO_METRICS, type VoiceCounters } from 'src/common/metrics/metrics.port';

/** Fixed-size ring of recent samples; percentiles over the last N keep memory flat on long-running instances. */
class Samples {
  private readonly buf: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.buf = new Float64Array(size);
  }
  add(v: number): void {
    this.buf[this.n++ % this.buf.length] = v;
  }
  percentile(p: number): number | null {
    const count = Math.min(this.n, this.buf.length);
    if (!count) return null;
    const sorted = Array.from(this.buf.subarray(0, count)).sort((a, b) => a - b);
    return sorted[Math.min(count - 1, Math.floor((p / 100) * count))];
  }
}

export interface VoiceMetricsSnapshot {
  callsActive: number;
  callsTotal: number;
  framesIn: number;
  framesOut: number;
  framesDropped: number;
  bargeIns: number;
  toolCalls: number;
  reconnects: number;
  modelFailures: number;
  rejectedSockets: number;
  responseLatencyMs: { p50: number | null; p95: number | null };
  frameProcessingMs: { p50: number | null; p99: number | null };
  outboundChunkProcessingMs: { p50: number | null; p99: number | null };
}

/** Per-instance counters for the phone bridge; the Metrics port reads the totals at scrape time. */
@Injectable()
export class VoiceMetrics implements VoiceCounters {
  callsActive = 0;
  callsTotal = 0;
  framesIn = 0;
  framesOut = 0;
  framesDropped = 0;
  bargeIns = 0;
  toolCalls = 0;
  reconnects = 0;
  modelFailures = 0;
  rejectedSockets = 0;
  private readonly latency = new Samples(1024);
  private readonly processing = new Samples(8192);
  private readonly outboundProcessing = new Samples(8192);

  constructor(@Optional() private readonly metrics: Metrics = NO_METRICS) {
    metrics.readVoiceCounters(this);
  }

  /** End of caller speech → first assistant audio. */
  recordResponseLatency(ms: number): void {
    this.latency.add(ms);
    this.metrics.voiceFirstAudio(ms / 1000);
  }

  /** Caller frame: decode, resample, hand to the model. */
  recordFrameProcessing(ms: number): void {
    this.processing.add(ms);
  }

  /** Model audio chunk: resample, encode, re-frame, send to Twilio. */
  recordOutboundProcessing(ms: number): void {
    this.outboundProcessing.add(ms);
  }

  snapshot(): VoiceMetricsSnapshot {
    return {
      callsActive: this.callsActive,
      callsTotal: this.callsTotal,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      framesDropped: this.framesDropped,
      bargeIns: this.bargeIns,
      toolCalls: this.toolCalls,
      reconnects: this.reconnects,
      modelFailures: this.modelFailures,
      rejectedSockets: this.rejectedSockets,
      responseLatencyMs: { p50: this.latency.percentile(50), p95: this.latency.percentile(95) },
      frameProcessingMs: { p50: this.processing.percentile(50), p99: this.processing.percentile(99) },
      outboundChunkProcessingMs: {
        p50: this.outboundProcessing.percentile(50),
        p99: this.outboundProcessing.percentile(99),
      },
    };
  }
}
