import { Signature } from '@hubspot/api-client';
import { Injectable, Logger } from '@nestjs/common';

import { constantTimeEquals } from 'src/common/auth/constant-time';
import { AppConfig } from 'src/config/app-config.service';
import { CrmErrors } from 'src/crm/crm.errors';
import type { CrmType } from 'src/crm/crm-adapter.port';
import { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import { CrmConfigRepository } from 'src/crm/crm-config.repository';
import { CrmRecordsRepository } from 'src/crm/crm-records.repository';

/** HubSpot rejects (and so do we) signatures older than five minutes: replay protection. */
const MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_EVENTS = 500;

export interface InboundRequest {
  method: string;
  /** Path and query as received, e.g. /crm/webhooks/acme/hubspot. */
  originalUrl: string;
  /** scheme://host the request reached, used when PUBLIC_BASE_URL is unset. */
  origin: string;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A change the CRM reports about a record we know, normalised across CRM types. */
interface RecordChange {
  object: 'contact' | 'deal';
  id: string;
  stage?: string;
  properties: Record<string, unknown>;
}

/**
 * Inbound CRM events: the sender is verified first (HubSpot signature v3 with the app's client secret; a shared
 * secret header for `webhook`), then changes to records we mirror are applied so the assistant sees, e.g., a deal's
 * new stage. Events about records we do not know are counted and ignored.
 */
@Injectable()
export class CrmInboundService {
  private readonly logger = new Logger('CrmInbound');

  constructor(
    private readonly configs: CrmConfigRepository,
    private readonly registry: CrmAdapterRegistry,
    private readonly records: CrmRecordsRepository,
    private readonly config: AppConfig,
  ) {}

  async receive(businessId: string, type: string, req: InboundRequest): Promise<{ received: number; applied: number }> {
    const row = await this.configs.find(businessId);
    if (!row || row.type !== type || (type !== 'hubspot' && type !== 'webhook'))
      throw CrmErrors.webhookTypeMismatch(type);
    const credentials = this.registry.decryptCredentials(businessId, row.credentialsEncrypted);
    const changes =
      type === 'hubspot'
        ? this.fromHubspot(credentials.clientSecret, req)
        : this.fromWebhook(credentials.inboundSecret, req);
    let applied = 0;
    for (const change of changes) {
      const ok =
        change.object === 'deal'
          ? await this.records.patchDeal(businessId, type as CrmType, change.id, {
              stage: change.stage,
              fields: change.properties,
            })
          : await this.records.patchContact(businessId, type as CrmType, change.id, change.properties);
      if (ok) applied += 1;
    }
    this.logger.log({ businessId, type, received: changes.length, applied }, 'CRM webhook processed');
    return { received: changes.length, applied };
  }

  private fromHubspot(clientSecret: string | undefined, req: InboundRequest): RecordChange[] {
    const signature = header(req, 'x-hubspot-signature-v3');
    const timestamp = Number(header(req, 'x-hubspot-request-timestamp'));
    if (!clientSecret || !signature || !Number.isFinite(timestamp) || Math.abs(Date.now() - timestamp) > MAX_SKEW_MS) {
      throw CrmErrors.webhookUnauthorized();
    }
    const url = hubspotDecode(
      `${this.config.get('PUBLIC_BASE_URL')?.replace(/\/+$/, '') ?? req.origin}${req.originalUrl}`,
    );
    const expected = Signature.getSignature(req.method, 'v3', {
      clientSecret,
      requestBody: req.rawBody,
      url,
      timestamp,
      signature,
    });
    if (!constantTimeEquals(signature, expected)) throw CrmErrors.webhookUnauthorized();
    if (!Array.isArray(req.body))
      throw CrmErrors.invalidField('body', 'HubSpot webhook body must be an array of events');
    return (req.body as unknown[]).slice(0, MAX_EVENTS).flatMap((e): RecordChange[] => {
      const ev = e as {
        subscriptionType?: unknown;
        objectId?: unknown;
        propertyName?: unknown;
        propertyValue?: unknown;
      };
      const [object, action] = typeof ev.subscriptionType === 'string' ? ev.subscriptionType.split('.') : [];
      if (
        (object !== 'deal' && object !== 'contact') ||
        (typeof ev.objectId !== 'number' && typeof ev.objectId !== 'string')
      )
        return [];
      const id = String(ev.objectId);
      if (action === 'deletion') return [{ object, id, properties: { deletedInCrm: true } }];
      if (action !== 'propertyChange' || typeof ev.propertyName !== 'string') return [];
      const value = ev.propertyValue;
      return [
        {
          object,
          id,
          stage: object === 'deal' && ev.propertyName === 'dealstage' && typeof value === 'string' ? value : undefined,
          properties: { [ev.propertyName]: value ?? null },
        },
      ];
    });
  }

  private fromWebhook(secret: string | undefined, req: InboundRequest): RecordChange[] {
    const given = header(req, 'x-crm-webhook-secret');
    if (!secret || !given || !constantTimeEquals(given, secret)) throw CrmErrors.webhookUnauthorized();
    const events = (req.body as { events?: unknown })?.events;
    if (!Array.isArray(events))
      throw CrmErrors.invalidField('events', 'must be an array of {object, id, stage?, properties?}');
    return events.slice(0, MAX_EVENTS).flatMap((e: unknown, i: number): RecordChange[] => {
      const ev = e as { object?: unknown; id?: unknown; stage?: unknown; properties?: unknown };
      if ((ev.object !== 'deal' && ev.object !== 'contact') || typeof ev.id !== 'string' || !ev.id) {
        throw CrmErrors.invalidField(`events[${i}]`, 'needs object "deal" or "contact" and a string id');
      }
      const properties =
        ev.properties && typeof ev.properties === 'object' && !Array.isArray(ev.properties)
          ? (ev.properties as Record<string, unknown>)
          : {};
      return [
        {
          object: ev.object,
          id: ev.id,
          stage: typeof ev.stage === 'string' ? ev.stage.slice(0, 128) : undefined,
          properties,
        },
      ];
    });
  }
}

function header(req: InboundRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** HubSpot signs the URI with these characters percent-decoded (and no others). */
function hubspotDecode(url: string): string {
  const map: Record<string, string> = {
    '%3A': ':',
    '%2F': '/',
    '%3F': '?',
    '%40': '@',
    '%21': '!',
    '%24': '$',
    '%27': "'",
    '%28': '(',
    '%29': ')',
    '%2A': '*',
    '%2C': ',',
    '%3B': ';',
  };
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => map[m.toUpperCase()]);
}
