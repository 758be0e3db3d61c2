import { Injectable } from '@nestjs/common';

import { SessionDetailsDto } from 'src/session/dto/session-details.dto';
import { SessionErrors } from 'src/session/session.errors';
import { SessionStore } from 'src/session/session-store.port';
import { TranscriptService } from 'src/session/transcript.service';
import { TenantService } from 'src/tenant/tenant.service';

/** Admin view of one session: the live state (if not expired) plus the durable transcript. */
@Injectable()
export class SessionAdminService {
  constructor(
    private readonly tenants: TenantService,
    private readonly store: SessionStore,
    private readonly transcripts: TranscriptService,
  ) {}

  async get(businessId: string, sessionId: string): Promise<SessionDetailsDto> {
    await this.tenants.get(businessId);
    const [state, transcript] = await Promise.all([
      this.store.get(businessId, sessionId),
      this.transcripts.get(businessId, sessionId),
    ]);
    if (!state && !transcript) throw SessionErrors.notFound(sessionId);
    return {
      businessId,
      sessionId,
      channel: state?.conversation.channel ?? transcript?.channel ?? 'chat',
      live: !!state,
      captured: state?.captured ?? {},
      locks: (state?.locks ?? {}) as Record<string, boolean>,
      crm: state?.crm ?? {},
      metadata: state?.metadata ?? {},
      clientMetadata: state?.clientMetadata ?? {},
      conversation: state ? { ...state.conversation } : null,
      summary: state?.summary ?? null,
      transcript: transcript?.messages ?? [],
    };
  }

  /** Forgets the session everywhere; under the session lock so a turn in flight cannot write it back. */
  async delete(businessId: string, sessionId: string): Promise<void> {
    await this.tenants.get(businessId);
    const removed = await this.store.withLock(businessId, sessionId, async () => {
      const [live, durable] = await Promise.all([
        this.store.delete(businessId, sessionId),
        this.transcripts.delete(businessId, sessionId),
      ]);
      return live || durable;
    });
    if (!removed) throw SessionErrors.notFound(sessionId);
  }
}
