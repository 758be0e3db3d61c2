import { Module } from '@nestjs/common';

import { ChatController } from 'src/chat/chat.controller';
import { ChatService } from 'src/chat/chat.service';
import { ChatHistoryController } from 'src/chat/chat-history.controller';
import { ChatHistoryService } from 'src/chat/chat-history.service';
import { ChatSandbox } from 'src/chat/chat-sandbox.service';
import { ChatTurnRunner } from 'src/chat/chat-turn.runner';
import { llmProviderBinding } from 'src/chat/llm-provider.factory';
import { GroundingStep } from 'src/chat/pipeline/grounding.step';
import { ToolLoop } from 'src/chat/pipeline/tool-loop';
import { ChatRateLimitModule } from 'src/chat/rate-limit/chat-rate-limit.module';
import { ResponseCache } from 'src/chat/response-cache/response-cache';
import { ChatSessionAccess } from 'src/chat/session-access';
import { ConversationModule } from 'src/conversation/conversation.module';
import { CrmModule } from 'src/crm/crm.module';
import { ExperimentsModule } from 'src/experiments/experiments.module';
import { GeminiModule } from 'src/gemini/gemini.module';
import { HandoffModule } from 'src/handoff/handoff.module';
import { RagModule } from 'src/rag/rag.module';
import { RulesModule } from 'src/rules/rules.module';
import { SessionModule } from 'src/session/session.module';
import { TenantModule } from 'src/tenant/tenant.module';
import { UnderstandingModule } from 'src/understanding/understanding.module';

/** /chat, /chat/stream and /chat/history, and the pieces the voice bridge reuses. */
@Module({
  imports: [
    TenantModule,
    SessionModule,
    RagModule,
    CrmModule,
    ChatRateLimitModule,
    ConversationModule,
    GeminiModule,
    UnderstandingModule,
    HandoffModule,
    RulesModule,
    ExperimentsModule,
  ],
  controllers: [ChatController, ChatHistoryController],
  providers: [
    llmProviderBinding,
    GroundingStep,
    ToolLoop,
    ChatTurnRunner,
    ChatService,
    ResponseCache,
    ChatSessionAccess,
    ChatHistoryService,
    ChatSandbox,
  ],
  exports: [llmProviderBinding, ResponseCache, ChatSandbox],
})
export class ChatEngineModule {}
