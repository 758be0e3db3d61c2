import { Injectable } from '@nestjs/common';

import { ChatErrors } from 'src/chat/chat.errors';
import { ChatTurnRunner, type PreparedTurn } from 'src/chat/chat-turn.runner';
import type { ChatReply } from 'src/chat/chat-turn.types';
import { LlmProvider } from 'src/chat/llm-provider.port';
import { navigateCta } from 'src/chat/pipeline/cta-navigation.step';
import { CtaSelection } from 'src/chat/pipeline/cta-selection';
import { GroundingStep } from 'src/chat/pipeline/grounding.step';
import { ToolLoop } from 'src/chat/pipeline/tool-loop';
import { ResponseCache } from 'src/chat/response-cache/response-cache';
import { AppConfig } from 'src/config/app-config.service';
import { metadataProblem, type SessionMetadata } from 'src/conversation/session-metadata';
import type { SessionState } from 'src/conversation/session-state';
import { SystemInstructionBuilder } from 'src/conversation/system-instruction.builder';
import { CrmTools } from 'src/crm/crm-tools.port';
import { HandoffGate } from 'src/handoff/handoff-gate.port';
import { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { KeyValueStore } from 'src/redis/key-value-store.port';
import { RulesService } from 'src/rules/rules.service';
import { MemorySessionStore } from 'src/session/stores/memory.session-store';
import { TranscriptStore } from 'src/session/transcript-store.port';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { UnderstandingService } from 'src/understanding/understanding.service';

/** One visitor message as a sandboxed conversation sends it: what /chat takes, minus the session fields. */
export interface SandboxMessage {
  message?: string;
  ctaId?: string;
  metadata?: Record<string, unknown>;
}

/** Where a sandboxed conversation's writes go instead of Postgres, Redis, the outbox and the CRM. */
export interface SandboxSinks {
  transcripts: TranscriptStore;
  handoffs: HandoffGate;
  crmTools: CrmTools;
}

/** A conversation run by the real turn runner against in-memory session state and the caller's sinks. */
export interface SandboxConversation {
  /** Checks the message as /chat does (a coded 400, thrown before the turn runs), then runs the turn. */
  send(message: SandboxMessage): Promise<ChatReply>;
  /** The session as the turn left it (captured fields, active flow, tags); null before the first turn. */
  state(): Promise<SessionState | null>;
}

/** A cache that holds nothing: a sandboxed turn neither serves a reply cached for visitors nor stores one. */
class NoCache extends KeyValueStore {
  set(): Promise<void> {
    return Promise.resolve();
  }

  setIfAbsent(): Promise<boolean> {
    return Promise.resolve(false);
  }

  get(): Promise<string | null> {
    return Promise.resolve(null);
  }

  take(): Promise<string | null> {
    return Promise.resolve(null);
  }
}

/**
 * Builds chat turn runners whose writes go elsewhere: the same runner /chat uses (understanding, rules, flows,
 * guards, retrieval, the model and its tools), constructed with an in-process session store, a response cache that
 * holds nothing, and the caller's transcript, hand-off and CRM tool sinks. Nothing it runs touches Redis, the
 * transcript tables, the hand-off table or the CRM; reads (the knowledge base, the model) are the real ones.
 */
@Injectable()
export class ChatSandbox {
  constructor(
    private readonly llm: LlmProvider,
    private readonly instructions: SystemInstructionBuilder,
    private readonly grounding: GroundingStep,
    private readonly config: AppConfig,
    private readonly understanding: UnderstandingService,
    private readonly rules: RulesService,
    private readonly knowledge: KnowledgeRetriever,
    private readonly ctas: CtaSelection,
  ) {}

  /** `business` may be a draft that was never saved: the turns run against exactly this config. */
  conversation(business: TenantConfig, sessionId: string, sinks: SandboxSinks): SandboxConversation {
    const store = new MemorySessionStore(this.config.get('SESSION_TTL_SECONDS'));
    const runner = new ChatTurnRunner(
      sinks.transcripts,
      this.llm,
      this.instructions,
      this.grounding,
      new ToolLoop(sinks.crmTools),
      this.config,
      this.understanding,
      new ResponseCache(new NoCache(), this.knowledge, this.config),
      sinks.handoffs,
      this.rules,
      this.ctas,
    );
    return {
      send: (message) => {
        const turn = this.prepare(business, sessionId, message);
        return store.withLock(business.businessId, sessionId, (lock) => runner.run(turn, lock));
      },
      state: () => store.get(business.businessId, sessionId),
    };
  }

  /** The checks ChatService makes before a turn, in the same order and with the same codes. */
  check(business: TenantConfig, message: SandboxMessage): void {
    this.prepare(business, '', message);
  }

  private prepare(business: TenantConfig, sessionId: string, message: SandboxMessage): PreparedTurn {
    const text = message.message ?? '';
    const max = this.config.get('MAX_MESSAGE_CHARS');
    if (text.length > max) throw ChatErrors.messageTooLong(max);
    if (!text.trim() && message.ctaId === undefined) throw ChatErrors.emptyMessage();
    if (message.metadata !== undefined) {
      const problem = metadataProblem(message.metadata);
      if (problem) throw ChatErrors.invalidMetadata(problem);
    }
    const cta = navigateCta(business.ctaTree ?? {}, message.ctaId, business.catalog ?? []);
    return {
      business,
      input: {
        businessId: business.businessId,
        sessionId,
        message: text,
        ctaId: message.ctaId,
        ...(message.metadata ? { metadata: message.metadata as SessionMetadata } : {}),
      },
      cta,
      mayContinue: true,
      sessionToken: '',
    };
  }
}
