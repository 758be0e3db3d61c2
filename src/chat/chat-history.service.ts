import { Injectable } from '@nestjs/common';

import { type ChatCta, toChatCta } from 'src/chat/chat-turn.types';
import type { ChatHistoryMessageDto, ChatHistoryResponseDto } from 'src/chat/dto/chat-history.dto';
import { WIDGET_INTRO_ACTION } from 'src/chat/pipeline/hard-guards.step';
import { SessionErrors } from 'src/session/session.errors';
import { isVoiceSessionId } from 'src/session/session-id';
import { SessionTokens } from 'src/session/session-tokens';
import { TranscriptService } from 'src/session/transcript.service';
import type { CtaTree } from 'src/tenant/cta-tree';
import { TenantService } from 'src/tenant/tenant.service';

/**
 * A visitor's own conversation, for the widget to show again after a reload. Authorised by the session token
 * alone (checked before any read), whatever the tenant's `sessionTokens` setting: a transcript holds what the
 * visitor typed, so knowing the session id is never enough to read it.
 */
@Injectable()
export class ChatHistoryService {
  constructor(
    private readonly tenants: TenantService,
    private readonly tokens: SessionTokens,
    private readonly transcripts: TranscriptService,
  ) {}

  async history(businessId: string, sessionId: string, token: string | undefined): Promise<ChatHistoryResponseDto> {
    const business = await this.tenants.getCached(businessId);
    if (isVoiceSessionId(sessionId)) throw SessionErrors.voiceOnly();
    if (!token) throw SessionErrors.historyTokenRequired();
    if (!this.tokens.verify(business.businessId, sessionId, token)) throw SessionErrors.tokenInvalid();
    const transcript = await this.transcripts.get(business.businessId, sessionId);
    const messages: ChatHistoryMessageDto[] = [];
    for (const m of transcript?.messages ?? []) {
      // Tool calls are the server's business; the widget's silent greeting request is not something the visitor said.
      if (m.role === 'tool' || (m.role === 'user' && m.content === WIDGET_INTRO_ACTION)) continue;
      const message: ChatHistoryMessageDto = { role: m.role, content: m.content, createdAt: m.createdAt };
      const ctas = m.role === 'assistant' ? ctasOf(business.ctaTree ?? {}, m.payload?.ctas) : [];
      if (ctas.length) message.ctas = ctas;
      messages.push(message);
    }
    return { success: true, session_id: sessionId, messages };
  }
}

/** The reply's button ids as recorded, resolved against today's tree (a button deleted since is left out). */
function ctasOf(tree: CtaTree, ids: unknown): ChatCta[] {
  if (!Array.isArray(ids)) return [];
  return ids
    .filter((id): id is string => typeof id === 'string' && Object.prototype.hasOwnProperty.call(tree, id))
    .map((id) => toChatCta(tree[id]));
}
