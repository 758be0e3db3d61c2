/**
 * What modules record for operations (src/metrics exposes it in Prometheus format). A port in the shared kernel, so
 * chat, crm and voice record without depending on the metrics module; where it is not bound (unit tests, tools that
 * build a module alone) they fall back to NO_METRICS. Recording is synchronous and cheap: no I/O, no await.
 *
 * Labels are bounded by construction: tenant ids are folded by the implementation (METRICS_TENANT_LABELS), session
 * ids are never passed.
 */
export type ChatStep = 'retrieval' | 'model';
export type ModelOperation = 'generate' | 'stream' | 'summarize';
export type CallOutcome = 'ok' | 'error';
export type CacheResult = 'hit' | 'miss' | 'error';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelCallObservation {
  provider: string;
  model: string;
  operation: ModelOperation;
  outcome: CallOutcome;
  seconds: number;
  /** As the provider reported it; absent when it reports none (the offline provider). */
  usage?: TokenUsage;
}

/** The phone bridge's running totals, read at scrape time (src/voice's VoiceMetrics has these fields). */
export interface VoiceCounters {
  readonly callsActive: number;
  readonly callsTotal: number;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly framesDropped: number;
  readonly bargeIns: number;
  readonly modelFailures: number;
}

export abstract class Metrics {
  /** `route` is the matched route template (`/admin/business/:id`), never the raw URL. */
  abstract httpRequest(method: string, route: string, status: number, seconds: number): void;
  abstract chatTurn(businessId: string, channel: string, outcome: CallOutcome, seconds: number): void;
  abstract chatStep(step: ChatStep, seconds: number): void;
  abstract modelCall(call: ModelCallObservation): void;
  /** `topConfidence` is the retriever's fused confidence, null when the search failed. */
  abstract retrieval(businessId: string, outcome: CallOutcome, seconds: number, topConfidence: number | null): void;
  abstract responseCache(businessId: string, result: CacheResult): void;
  /** `final`: the item is given up (budget spent or not retryable), not just scheduled for another attempt. */
  abstract crmDeliveryFailure(operation: string, final: boolean): void;
  /** End of caller speech to the first assistant audio. */
  abstract voiceFirstAudio(seconds: number): void;
  /** Registers the reader of the CRM outbox's open items by status, queried at scrape time. */
  abstract readOutboxDepth(read: () => Promise<Record<string, number>>): void;
  /** Registers the phone bridge's counters, read at scrape time. */
  abstract readVoiceCounters(counters: VoiceCounters): void;
}

/** Records nothing: the binding where no metrics module is loaded. */
export class NoMetrics extends Metrics {
  httpRequest(): void {}
  chatTurn(): void {}
  chatStep(): void {}
  modelCall(): void {}
  retrieval(): void {}
  responseCache(): void {}
  crmDeliveryFailure(): void {}
  voiceFirstAudio(): void {}
  readOutboxDepth(): void {}
  readVoiceCounters(): void {}
}

export const NO_METRICS: Metrics = new NoMetrics();

/** Seconds since `start` (a performance.now() reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
