import type { SystemInstructionBuilder } from 'src/conversation/system-instruction.builder';
import type { CrmTools } from 'src/crm/crm-tools.port';
import type { ExperimentsService } from 'src/experiments/experiments.service';
import type { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import type { SessionStore } from 'src/session/session-store.port';
import type { TranscriptService } from 'src/session/transcript.service';
import type { TenantService } from 'src/tenant/tenant.service';
import type { UnderstandingService } from 'src/understanding/understanding.service';
import type { CallTicketStore } from 'src/voice/call/call-ticket.store';
import type { VoiceConfigService } from 'src/voice/config/voice-config.service';
import type { LiveModelConnector } from 'src/voice/live/live-model.port';
import type { VoiceMetrics } from 'src/voice/voice-metrics.service';

/** Everything a call needs, injected once; each CallSession gets this read-only bundle and its own state. */
export interface CallDeps {
  tenants: TenantService;
  voiceConfigs: VoiceConfigService;
  tickets: CallTicketStore;
  connector: LiveModelConnector;
  instructions: SystemInstructionBuilder;
  crmTools: CrmTools;
  knowledge: KnowledgeRetriever;
  transcripts: TranscriptService;
  sessions: SessionStore;
  metrics: VoiceMetrics;
  /** Reads each caller turn's intent and sentiment for the transcript and analytics. */
  understanding: UnderstandingService;
  /** The call's variants: assigned like a chat session's, by business, experiment and call SID. */
  experiments: ExperimentsService;
  apologyClip: Buffer;
  startTimeoutMs: number;
  streamUrl(): string;
  /** Registers a call's wrap-up so shutdown can wait for transcripts to be written. */
  track(wrapUp: Promise<void>): void;
}
