import { Injectable } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { CrmOutboundHttp } from 'src/crm/adapters/crm-outbound.http';
import { HUBSPOT_API, HubspotCrmAdapter } from 'src/crm/adapters/hubspot.crm-adapter';
import { CrmErrors } from 'src/crm/crm.errors';
import {
  asObject,
  compact,
  CrmAdapterFactory,
  httpUrl,
  onlyKeys,
  str,
  ValidatedConnection,
} from 'src/crm/crm-adapter.factory';
import { CrmAdapter } from 'src/crm/crm-adapter.port';
import type { ResolvedCrmConfig } from 'src/crm/crm-config.types';
import { FieldMapper } from 'src/crm/field-mapper';

const DEFAULT_FIELDS = {
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'email',
  phone: 'phone',
  company: 'company',
  message: 'message',
};

@Injectable()
export class HubspotCrmAdapterFactory extends CrmAdapterFactory {
  readonly type = 'hubspot' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly outbound: CrmOutboundHttp,
  ) {
    super();
  }

  validate(credentials: unknown, options: unknown): ValidatedConnection {
    const creds = asObject(credentials, 'credentials', { required: true });
    onlyKeys(creds, 'credentials', ['accessToken', 'clientSecret']);
    const accessToken = str(creds, 'credentials', 'accessToken', { required: true, max: 512 })!;
    if (/\s/.test(accessToken)) throw CrmErrors.invalidConfig('credentials.accessToken', 'must not contain spaces');
    const clientSecret = str(creds, 'credentials', 'clientSecret', { max: 512 });
    const opts = asObject(options, 'options');
    onlyKeys(opts, 'options', ['pipeline', 'dealStage', 'apiBaseUrl']);
    return {
      credentials: compact({ accessToken, clientSecret }),
      options: compact({
        pipeline: str(opts, 'options', 'pipeline', { max: 128 }),
        dealStage: str(opts, 'options', 'dealStage', { max: 128 }),
        // For HubSpot-compatible proxies and local fakes; absent means api.hubapi.com.
        apiBaseUrl: httpUrl(opts, 'options', 'apiBaseUrl'),
      }),
    };
  }

  create(config: ResolvedCrmConfig): CrmAdapter {
    const o = config.options;
    const basePath = typeof o.apiBaseUrl === 'string' ? o.apiBaseUrl : undefined;
    const access = this.outbound.nodeAccess(basePath ?? HUBSPOT_API);
    return new HubspotCrmAdapter(
      {
        accessToken: config.credentials.accessToken,
        basePath,
        httpAgent: access.agent,
        refused: access.refused,
        pipeline: typeof o.pipeline === 'string' ? o.pipeline : 'default',
        dealStage: typeof o.dealStage === 'string' ? o.dealStage : 'appointmentscheduled',
        timeoutMs: this.config.get('CRM_HTTP_TIMEOUT_MS'),
      },
      new FieldMapper(DEFAULT_FIELDS, config.fieldMapping),
    );
  }
}
