import { Injectable, Logger } from '@nestjs/common';

import type { LlmTurn } from 'src/conversation/conversation-turn';
import { HandoffWebhook } from 'src/crm/handoff-webhook.service';
import type { HandoffWebhookPayload } from 'src/crm/handoff-webhook.types';
import type { HandoffEntity } from 'src/handoff/handoff.entity';
import { HandoffErrors } from 'src/handoff/handoff.errors';
import { HandoffRepository } from 'src/handoff/handoff.repository';
import { HandoffGate, type HandoffRequest } from 'src/handoff/handoff-gate.port';
import { HandoffStatusCache } from 'src/handoff/handoff-status.cache';
import { DEFAULT_HANDOFF_MESSAGE } from 'src/tenant/handoff-config';
import { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';

/** Messages of the conversation the webhook carries, so the person picking it up has the context. */
const SUMMARY_MESSAGES = 10;

/** What a message gets while its session is with a person: the assistant stays out of the conversation. */
export const HANDED_OFF_NOTE = 'Thanks, a member of the team will reply here.';

/** Why the turn hands off, or null: the `human_handoff` intent, or enough negative messages in a row. */
export function handoffReason(business: TenantConfig, intent: string, negativeStreak: number): string | null {
  if (intent === 'human_handoff') return 'intent:human_handoff';
  const after = business.handoff.afterNegativeTurns;
  if (after && negativeStreak >= after) return `negative_sentiment:${negativeStreak}`;
  return null;
}

export function handoffMessage(business: TenantConfig): string {
  return business.handoff.message ?? DEFAULT_HANDOFF_MESSAGE;
}

@Injectable()
export class HandoffService extends HandoffGate {
  private readonly logger = new Logger('Handoff');

  constructor(
    private readonly handoffs: HandoffRepository,
    private readonly webhook: HandoffWebhook,
    private readonly tenants: TenantService,
    private readonly status: HandoffStatusCache,
  ) {
    super();
  }

  /**
   * The durable answer (Postgres, not the Redis session), so a hand-off survives a session eviction; asked on every
   * turn, so it is read through HandoffStatusCache (one Redis GET) and Postgres is read only on a miss.
   */
  isHandedOff(businessId: string, sessionId: string): Promise<boolean> {
    return this.status.isOpen(businessId, sessionId, () => this.handoffs.isOpen(businessId, sessionId));
  }

  knownHandedOff(businessId: string, sessionId: string): Promise<boolean | null> {
    return this.status.peek(businessId, sessionId);
  }

  /** Opens the hand-off and queues the webhook; a session already handed off is left as it is. */
  async start(req: HandoffRequest): Promise<void> {
    const { business, sessionId } = req;
    await this.status.forget(business.businessId, sessionId);
    const opened = await this.handoffs.open(business.businessId, sessionId, req.channel, req.reason);
    if (!opened) return;
    this.logger.log({ businessId: business.businessId, reason: req.reason, channel: req.channel }, 'handed off');
    if (!business.handoff.webhookUrl) return;
    await this.webhook.enqueue(opened.id, {
      event: 'handoff',
      businessId: business.businessId,
      sessionId,
      channel: req.channel,
      reason: req.reason,
      handedOffAt: opened.createdAt.toISOString(),
      captured: { ...req.captured } as Record<string, string>,
      messages: summaryOf(req.history),
    });
  }

  async list(businessId: string, limit: number): Promise<HandoffEntity[]> {
    await this.tenants.getCached(businessId);
    return this.handoffs.listOpen(businessId, limit);
  }

  async release(businessId: string, sessionId: string): Promise<void> {
    await this.tenants.getCached(businessId);
    if (!(await this.handoffs.release(businessId, sessionId))) {
      // Nothing open: the entry is dropped, never set, since a hand-off may be opening right now; a retry after a
      // failed write below thus repairs it.
      await this.status.forget(businessId, sessionId);
      throw HandoffErrors.notHandedOff(sessionId);
    }
    await this.status.released(businessId, sessionId);
    this.logger.log({ businessId }, 'session released to the assistant');
  }
}

function summaryOf(history: readonly LlmTurn[]): HandoffWebhookPayload['messages'] {
  const messages: HandoffWebhookPayload['messages'] = [];
  for (const t of history) {
    if (t.role === 'user') messages.push({ role: 'user', text: t.text });
    else if (t.role === 'model' && t.text) messages.push({ role: 'assistant', text: t.text });
  }
  return messages.slice(-SUMMARY_MESSAGES);
}
