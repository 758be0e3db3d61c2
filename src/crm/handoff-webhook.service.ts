import { Injectable } from '@nestjs/common';

import type { HandoffWebhookPayload } from 'src/crm/handoff-webhook.types';
import { CrmOutboxService } from 'src/crm/outbox/crm-outbox.service';

/** Queues hand-off webhooks in the CRM outbox; HandoffWebhookSender delivers them (see there). */
@Injectable()
export class HandoffWebhook {
  constructor(private readonly outbox: CrmOutboxService) {}

  /** Queues the delivery and tries it once in the background; the visitor's reply never waits on the receiver. */
  async enqueue(handoffId: string, payload: HandoffWebhookPayload): Promise<void> {
    await this.outbox.submit(
      payload.businessId,
      {
        idempotencyKey: `handoff:${handoffId}`,
        sessionId: payload.sessionId,
        operation: 'handoff_webhook',
        payload: payload as unknown as Record<string, unknown>,
      },
      0,
    );
  }
}
