import { Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import {
  type CacheResult,
  type CallOutcome,
  type ChatStep,
  Metrics,
  type ModelCallObservation,
  type VoiceCounters,
} from 'src/common/metrics/metrics.port';
import { estimateCostUsd } from 'src/metrics/model-cost';
import { TenantLabels } from 'src/metrics/tenant-labels';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TURN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 30];
const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const FIRST_AUDIO_BUCKETS = [0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3, 5];

type HttpLabel = 'method' | 'route' | 'status';
type HttpChild = ReturnType<Histogram<HttpLabel>['labels']>;

/**
 * The Metrics port over prom-client, one registry per app instance (several apps in one test process never share
 * series). Default metrics (event-loop lag, heap, GC, CPU) come from prom-client under their usual names; ours are
 * prefixed `concierge_`. Gauges and the voice counters are read at scrape time, so recording them costs nothing.
 */
export class PrometheusMetrics extends Metrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');
  private readonly tenants: TenantLabels;
  private readonly httpChildren = new Map<string, HttpChild>();
  private outboxReader?: () => Promise<Record<string, number>>;
  private voiceCounters?: VoiceCounters;

  private readonly http: Histogram<HttpLabel>;
  private readonly turns: Histogram<'tenant' | 'channel' | 'outcome'>;
  private readonly steps: Histogram<'step'>;
  private readonly modelCalls: Counter<'provider' | 'model' | 'operation' | 'outcome'>;
  private readonly modelLatency: Histogram<'provider' | 'operation'>;
  private readonly modelTokens: Counter<'provider' | 'model' | 'direction'>;
  private readonly modelCost: Counter<'provider' | 'model'>;
  private readonly retrievals: Histogram<'tenant' | 'outcome'>;
  private readonly confidence: Histogram<'tenant'>;
  private readonly cache: Counter<'tenant' | 'result'>;
  private readonly crmFailures: Counter<'operation' | 'final'>;
  private readonly firstAudio: Histogram;

  constructor(tenantLabels: string) {
    super();
    this.tenants = new TenantLabels(tenantLabels);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'concierge_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status (its _count is the request count)',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.turns = new Histogram({
      name: 'concierge_chat_turn_duration_seconds',
      help: 'Chat turns from the accepted request to the stored reply (session lock wait included)',
      labelNames: ['tenant', 'channel', 'outcome'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.steps = new Histogram({
      name: 'concierge_chat_step_duration_seconds',
      help: 'Chat pipeline steps: knowledge retrieval and each model call',
      labelNames: ['step'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.modelCalls = new Counter({
      name: 'concierge_model_calls_total',
      help: 'LLM calls by provider, model, operation and outcome',
      labelNames: ['provider', 'model', 'operation', 'outcome'],
      registers,
    });
    this.modelLatency = new Histogram({
      name: 'concierge_model_call_duration_seconds',
      help: 'LLM call latency (a stream until its last event)',
      labelNames: ['provider', 'operation'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.modelTokens = new Counter({
      name: 'concierge_model_tokens_total',
      help: 'Tokens the provider reported, by direction (input or output)',
      labelNames: ['provider', 'model', 'direction'],
      registers,
    });
    this.modelCost = new Counter({
      name: 'concierge_model_cost_usd_total',
      help: 'Estimated LLM cost in US dollars from reported tokens and the list-price table (src/metrics/model-cost.ts)',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.retrievals = new Histogram({
      name: 'concierge_retrieval_duration_seconds',
      help: 'Knowledge-base retrieval latency per chat turn',
      labelNames: ['tenant', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.confidence = new Histogram({
      name: 'concierge_retrieval_top_confidence',
      help: "Retrieval's fused confidence of the best passage (0 when nothing matched)",
      labelNames: ['tenant'],
      buckets: CONFIDENCE_BUCKETS,
      registers,
    });
    this.cache = new Counter({
      name: 'concierge_response_cache_lookups_total',
      help: 'Response-cache lookups by result (hit, miss, error)',
      labelNames: ['tenant', 'result'],
      registers,
    });
    this.crmFailures = new Counter({
      name: 'concierge_crm_delivery_failures_total',
      help: 'Failed CRM write attempts; final="true" when the item is given up',
      labelNames: ['operation', 'final'],
      registers,
    });
    const outbox = (): (() => Promise<Record<string, number>>) | undefined => this.outboxReader;
    const log = this.logger;
    new Gauge({
      name: 'concierge_crm_outbox_depth',
      help: 'CRM outbox items not yet delivered, by status (platform-wide: every instance reports the same value)',
      labelNames: ['status'],
      registers,
      async collect() {
        const read = outbox();
        if (!read) return;
        try {
          const counts = await read();
          for (const status of ['pending', 'processing']) this.set({ status }, counts[status] ?? 0);
        } catch (err) {
          // A scrape must not fail because Postgres is slow; the gauge keeps its last value.
          log.warn({ err: (err as Error).message }, 'outbox depth unavailable');
        }
      },
    });
    this.firstAudio = new Histogram({
      name: 'concierge_voice_time_to_first_audio_seconds',
      help: "Phone calls: end of the caller's speech to the first assistant audio",
      buckets: FIRST_AUDIO_BUCKETS,
      registers,
    });
    this.voiceMetrics(registers);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.http.labels(method, route, String(status));
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  chatTurn(businessId: string, channel: string, outcome: CallOutcome, seconds: number): void {
    this.turns.observe({ tenant: this.tenants.label(businessId), channel, outcome }, seconds);
  }

  chatStep(step: ChatStep, seconds: number): void {
    this.steps.observe({ step }, seconds);
  }

  modelCall(call: ModelCallObservation): void {
    const { provider, model, operation, outcome, usage } = call;
    this.modelCalls.inc({ provider, model, operation, outcome });
    this.modelLatency.observe({ provider, operation }, call.seconds);
    if (!usage) return;
    this.modelTokens.inc({ provider, model, direction: 'input' }, usage.inputTokens);
    this.modelTokens.inc({ provider, model, direction: 'output' }, usage.outputTokens);
    this.modelCost.inc({ provider, model }, estimateCostUsd(provider, model, usage));
  }

  retrieval(businessId: string, outcome: CallOutcome, seconds: number, topConfidence: number | null): void {
    const tenant = this.tenants.label(businessId);
    this.retrievals.observe({ tenant, outcome }, seconds);
    if (topConfidence !== null) this.confidence.observe({ tenant }, topConfidence);
  }

  responseCache(businessId: string, result: CacheResult): void {
    this.cache.inc({ tenant: this.tenants.label(businessId), result });
  }

  crmDeliveryFailure(operation: string, final: boolean): void {
    this.crmFailures.inc({ operation, final: String(final) });
  }

  voiceFirstAudio(seconds: number): void {
    this.firstAudio.observe(seconds);
  }

  readOutboxDepth(read: () => Promise<Record<string, number>>): void {
    this.outboxReader = read;
  }

  readVoiceCounters(counters: VoiceCounters): void {
    this.voiceCounters = counters;
  }

  /** Prometheus text exposition of everything in the registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The bridge keeps running totals; each scrape turns them into counters (or a gauge for active calls). */
  private voiceMetrics(registers: Registry[]): void {
    const counters = (): VoiceCounters | undefined => this.voiceCounters;
    new Gauge({
      name: 'concierge_voice_calls_active',
      help: 'Phone calls in progress on this instance',
      registers,
      collect() {
        this.set(counters()?.callsActive ?? 0);
      },
    });
    const total = (name: string, help: string, read: (c: VoiceCounters) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const c = counters();
          // A running total since start: the counter is set to it (it never decreases within a process).
          if (!c) return;
          this.reset();
          this.inc(read(c));
        },
      });
    total('concierge_voice_calls_total', 'Phone calls started on this instance', (c) => c.callsTotal);
    total('concierge_voice_barge_ins_total', 'Caller barge-ins (assistant audio cleared)', (c) => c.bargeIns);
    total('concierge_voice_model_failures_total', 'Realtime model failures during calls', (c) => c.modelFailures);
    new Counter({
      name: 'concierge_voice_frames_total',
      help: 'Media-stream frames by direction: in (caller), out (assistant), dropped',
      labelNames: ['direction'],
      registers,
      collect() {
        const c = counters();
        if (!c) return;
        this.reset();
        this.inc({ direction: 'in' }, c.framesIn);
        this.inc({ direction: 'out' }, c.framesOut);
        this.inc({ direction: 'dropped' }, c.framesDropped);
      },
    });
  }
}
