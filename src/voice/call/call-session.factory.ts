import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

import { withDeadline } from 'src/common/deadline/deadline';
import { DrainState } from 'src/common/lifecycle/drain-state';
import { AppConfig } from 'src/config/app-config.service';
import { SystemInstructionBuilder } from 'src/conversation/system-instruction.builder';
import { CrmTools } from 'src/crm/crm-tools.port';
import { ExperimentsService } from 'src/experiments/experiments.service';
import { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { SessionStore } from 'src/session/session-store.port';
import { TranscriptService } from 'src/session/transcript.service';
import { TenantService } from 'src/tenant/tenant.service';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';
import { UnderstandingService } from 'src/understanding/understanding.service';
import { renderApologyChime } from 'src/voice/call/apology-clip';
import type { CallDeps } from 'src/voice/call/call-deps';
import { CallSession } from 'src/voice/call/call-session';
import { CallTicketStore } from 'src/voice/call/call-ticket.store';
import { VoiceConfigService } from 'src/voice/config/voice-config.service';
import { LiveModelConnector } from 'src/voice/live/live-model.port';
import type { CallTransport } from 'src/voice/twilio/twilio-media.types';
import { publicUrl } from 'src/voice/twilio/twilio-signature';
import { MEDIA_STREAM_PATH } from 'src/voice/twilio/voice-webhook.service';
import { VoiceMetrics } from 'src/voice/voice-metrics.service';

/** How long shutdown waits for ending calls to write their transcripts. */
const DRAIN_TIMEOUT_MS = 5000;
/** How often draining looks whether the calls have ended on their own. */
const DRAIN_POLL_MS = 100;

@Injectable()
export class CallSessionFactory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CallSessionFactory');
  private readonly deps: CallDeps;
  private readonly wrapUps = new Set<Promise<void>>();
  /** Calls on this instance; each removes itself when it has ended. */
  private readonly active = new Set<CallSession>();

  constructor(
    config: AppConfig,
    private readonly lifecycle: TenantLifecycle,
    private readonly drainState: DrainState,
    tenants: TenantService,
    voiceConfigs: VoiceConfigService,
    tickets: CallTicketStore,
    connector: LiveModelConnector,
    transcripts: TranscriptService,
    sessions: SessionStore,
    metrics: VoiceMetrics,
    instructions: SystemInstructionBuilder,
    crmTools: CrmTools,
    knowledge: KnowledgeRetriever,
    understanding: UnderstandingService,
    experiments: ExperimentsService,
  ) {
    const apologyClip = renderApologyChime();
    this.deps = {
      tenants,
      voiceConfigs,
      tickets,
      connector,
      instructions,
      crmTools,
      knowledge,
      transcripts,
      sessions,
      metrics,
      understanding,
      experiments,
      apologyClip,
      startTimeoutMs: config.get('VOICE_START_TIMEOUT_MS'),
      track: (p) => {
        this.wrapUps.add(p);
        void p.finally(() => this.wrapUps.delete(p));
      },
      streamUrl: () => publicUrl(config.get('PUBLIC_BASE_URL') ?? 'http://invalid.local', MEDIA_STREAM_PATH, 'ws'),
    };
  }

  onModuleInit(): void {
    this.drainState.register('voice calls', this);
    // A deleted tenant's calls end at once (on this instance); its rows go with the cascade, its tickets expire.
    this.lifecycle.onDelete('voice', {
      afterCommit: async (businessId) => {
        await Promise.all(
          [...this.active].filter((c) => c.businessId === businessId).map((c) => c.terminateForDeletedTenant()),
        );
      },
    });
  }

  /**
   * Draining (SIGTERM): calls on this instance run up to `graceMs` on their own, then each left hears the apology and
   * is hung up; resolves once their sockets closed and their transcripts and outcomes are written.
   */
  async drain(graceMs: number): Promise<void> {
    await this.whileCallsActive(graceMs);
    if (this.active.size) {
      this.logger.log(
        { event: 'calls_ended_for_shutdown', calls: this.active.size },
        'ending live calls: shutting down',
      );
      const playMs = Math.max(0, ...[...this.active].map((call) => call.endForShutdown()));
      await this.whileCallsActive(playMs + 1000);
    }
    await withDeadline(Promise.allSettled([...this.wrapUps]), DRAIN_TIMEOUT_MS, () => undefined);
  }

  private async whileCallsActive(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.active.size && Date.now() < until) await sleep(Math.min(DRAIN_POLL_MS, until - Date.now()));
  }

  async onApplicationShutdown(): Promise<void> {
    await withDeadline(Promise.allSettled([...this.wrapUps]), DRAIN_TIMEOUT_MS, () => undefined);
  }

  create(transport: CallTransport, signature: string, onAuthenticated?: () => void): CallSession {
    const call = new CallSession(this.deps, transport, signature, onAuthenticated);
    this.active.add(call);
    return call;
  }

  /** The gateway reports the socket gone; the call's wrap-up is tracked separately. */
  release(call: CallSession): void {
    this.active.delete(call);
  }
}
