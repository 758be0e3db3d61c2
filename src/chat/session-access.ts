import { Injectable } from '@nestjs/common';

import type { Channel } from 'src/conversation/session-state';
import { SessionErrors } from 'src/session/session.errors';
import { isVoiceSessionId, newChatSessionId } from 'src/session/session-id';
import { SessionStore } from 'src/session/session-store.port';
import { SessionTokens } from 'src/session/session-tokens';
import { TranscriptService } from 'src/session/transcript.service';
import type { TenantConfig } from 'src/tenant/tenant-config';

/** Where a client may send the token instead of the body field. */
export const SESSION_TOKEN_HEADER = 'X-Session-Token';

/** Which session a /chat request runs on, and whether it may continue one that already exists. */
export interface SessionGrant {
  sessionId: string;
  /** Issued with every reply, so the client can continue this session. */
  token: string;
  /** False: the request may only start this session; if it turns out to exist after all, the turn is refused. */
  mayContinue: boolean;
}

/**
 * Session ids are not secrets (they appear in URLs, logs and CRM records), so continuing a session takes the
 * token issued with it. An id the server has never seen starts a new session, as before tokens; an omitted id is
 * generated. Runs before the session lock and before anything is written.
 */
@Injectable()
export class ChatSessionAccess {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly store: SessionStore,
    private readonly transcripts: TranscriptService,
  ) {}

  async authorize(
    business: TenantConfig,
    sessionId: string | undefined,
    token: string | undefined,
  ): Promise<SessionGrant> {
    const businessId = business.businessId;
    if (sessionId === undefined) {
      const generated = newChatSessionId();
      return { sessionId: generated, token: this.tokens.issue(businessId, generated), mayContinue: false };
    }
    // Refused whether or not the call exists, so the answer says nothing about calls.
    if (isVoiceSessionId(sessionId)) throw SessionErrors.voiceOnly();
    const grant = { sessionId, token: this.tokens.issue(businessId, sessionId) };
    if (business.settings?.sessionTokens === 'off') return { ...grant, mayContinue: true };
    if (token !== undefined) {
      if (!this.tokens.matches(token, grant.token)) throw SessionErrors.tokenInvalid();
      return { ...grant, mayContinue: true };
    }
    if (await this.exists(businessId, sessionId)) throw SessionErrors.tokenRequired();
    return { ...grant, mayContinue: false };
  }

  /** Live in the store, or only in the durable transcript (expired or evicted): either way it holds their words. */
  private async exists(businessId: string, sessionId: string): Promise<boolean> {
    if (await this.store.get(businessId, sessionId)) return true;
    return (await this.transcripts.channelOf(businessId, sessionId)) !== null;
  }
}

/**
 * The same rule, checked again on the session the turn actually loaded under the lock: closes the race in which
 * the session was created between `authorize` and the lock, and keeps voice sessions out of /chat whatever their id.
 */
export function assertChatMayLoad(channel: Channel, mayContinue: boolean): void {
  if (channel !== 'chat') throw SessionErrors.voiceOnly();
  if (!mayContinue) throw SessionErrors.tokenRequired();
}
