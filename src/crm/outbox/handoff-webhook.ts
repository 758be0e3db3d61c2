import { createHmac } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { SecretCipher } from 'src/common/crypto/secret-cipher';
import { forbiddenAddressOf } from 'src/common/net/public-fetch';
import { AppConfig } from 'src/config/app-config.service';
import { errorForStatus, nonPublicEndpoint } from 'src/crm/adapters/crm-call';
import { CrmOutboundHttp } from 'src/crm/adapters/crm-outbound.http';
import { CrmCallError } from 'src/crm/crm.errors';
import type { CrmOutboxItemEntity } from 'src/crm/entities/crm-outbox-item.entity';
import { openHandoffSecret } from 'src/tenant/handoff-config';
import { TenantService } from 'src/tenant/tenant.service';

const NAME = 'The hand-off webhook';
const HANDOFF_SIGNATURE_HEADER = 'x-concierge-signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as the CRM webhook's hmac auth signs. */
export function signHandoffBody(secret: string, body: string, now = Date.now()): string {
  const ts = String(Math.floor(now / 1000));
  return `t=${ts},v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
}

/**
 * The hand-off webhook rides on the CRM outbox (one more operation) so it gets the same durable retries, leases,
 * backoff and admin retry as CRM writes, and is sent through the same SSRF-guarded client. The URL and secret are
 * read from the tenant at send time, so a fixed configuration also fixes queued deliveries.
 */
@Injectable()
export class HandoffWebhookSender {
  constructor(
    private readonly http: CrmOutboundHttp,
    private readonly tenants: TenantService,
    private readonly config: AppConfig,
    private readonly cipher: SecretCipher,
  ) {}
  async deliver(item: CrmOutboxItemEntity): Promise<Record<string, unknown>> {
    const { handoff } = await this.tenants.getCached(item.businessId);
    if (!handoff.webhookUrl || !handoff.webhookSecret)
      throw new CrmCallError('rejected', 'The business no longer has a hand-off webhook');
    const secret = openHandoffSecret(this.cipher, item.businessId, handoff.webhookSecret);
    const body = JSON.stringify(item.payload);
    const timeoutMs = this.config.get('CRM_HTTP_TIMEOUT_MS');
    let status: number;
    try {
      const res = await this.http.fetch(handoff.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-concierge-delivery': item.id,
          [HANDOFF_SIGNATURE_HEADER]: signHandoffBody(secret, body),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      status = res.status;
      await res.body?.cancel();
      if (!res.ok) throw errorForStatus(NAME, res.status, undefined, res.headers.get('retry-after'));
    } catch (err) {
      if (err instanceof CrmCallError) throw err;
      const forbidden = forbiddenAddressOf(err);
      if (forbidden) throw nonPublicEndpoint(NAME, forbidden.hostname);
      throw new CrmCallError('unavailable', `${NAME} could not be reached`);
    }
    return { delivered: true, httpStatus: status };
  }
}
