import { Injectable } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { CrmOutboundHttp } from 'src/crm/adapters/crm-outbound.http';
import { SalesforceCrmAdapter } from 'src/crm/adapters/salesforce.crm-adapter';
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

const LEAD_FIELDS = {
  firstName: 'FirstName',
  lastName: 'LastName',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  message: 'Description',
};
const CONTACT_FIELDS = {
  firstName: 'FirstName',
  lastName: 'LastName',
  email: 'Email',
  phone: 'Phone',
  message: 'Description',
};
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

@Injectable()
export class SalesforceCrmAdapterFactory extends CrmAdapterFactory {
  readonly type = 'salesforce' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly http: CrmOutboundHttp,
  ) {
    super();
  }

  validate(credentials: unknown, options: unknown): ValidatedConnection {
    const c = asObject(credentials, 'credentials', { required: true });
    onlyKeys(c, 'credentials', ['instanceUrl', 'accessToken', 'refreshToken', 'clientId', 'clientSecret']);
    const instanceUrl = httpUrl(c, 'credentials', 'instanceUrl');
    const accessToken = str(c, 'credentials', 'accessToken', { max: 2048 });
    const refreshToken = str(c, 'credentials', 'refreshToken', { max: 2048 });
    if (refreshToken) {
      str(c, 'credentials', 'clientId', { required: true, max: 512 });
      str(c, 'credentials', 'clientSecret', { required: true, max: 512 });
    } else {
      if (!accessToken)
        throw CrmErrors.invalidConfig(
          'credentials.accessToken',
          'is required (or give refreshToken + clientId + clientSecret)',
        );
      if (!instanceUrl) throw CrmErrors.invalidConfig('credentials.instanceUrl', 'is required with an access token');
    }
    const o = asObject(options, 'options');
    onlyKeys(o, 'options', ['contactObject', 'opportunityStage', 'opportunityLeadField', 'apiVersion', 'loginUrl']);
    const contactObject = str(o, 'options', 'contactObject') ?? 'Lead';
    if (contactObject !== 'Lead' && contactObject !== 'Contact')
      throw CrmErrors.invalidConfig('options.contactObject', 'must be Lead or Contact');
    const apiVersion = str(o, 'options', 'apiVersion');
    if (apiVersion && !/^\d{2,3}\.0$/.test(apiVersion))
      throw CrmErrors.invalidConfig('options.apiVersion', 'must look like 62.0');
    const leadField = str(o, 'options', 'opportunityLeadField');
    if (leadField && !API_NAME.test(leadField))
      throw CrmErrors.invalidConfig('options.opportunityLeadField', 'must be a Salesforce field API name');
    return {
      credentials: compact({
        instanceUrl,
        accessToken,
        refreshToken,
        clientId: c.clientId as string | undefined,
        clientSecret: c.clientSecret as string | undefined,
      }),
      options: compact({
        contactObject,
        opportunityStage: str(o, 'options', 'opportunityStage', { max: 120 }),
        opportunityLeadField: leadField,
        apiVersion,
        loginUrl: httpUrl(o, 'options', 'loginUrl'),
      }),
    };
  }

  create(config: ResolvedCrmConfig): CrmAdapter {
    const c = config.credentials;
    const o = config.options as Record<string, string | undefined>;
    const contactObject = o.contactObject === 'Contact' ? 'Contact' : 'Lead';
    return new SalesforceCrmAdapter(
      {
        instanceUrl: c.instanceUrl,
        accessToken: c.accessToken,
        refresh: c.refreshToken
          ? {
              loginUrl: o.loginUrl ?? 'https://login.salesforce.com',
              refreshToken: c.refreshToken,
              clientId: c.clientId,
              clientSecret: c.clientSecret,
            }
          : undefined,
        apiVersion: o.apiVersion ?? '62.0',
        contactObject,
        opportunityStage: o.opportunityStage ?? 'Prospecting',
        opportunityLeadField: o.opportunityLeadField,
        timeoutMs: this.config.get('CRM_HTTP_TIMEOUT_MS'),
        fetch: this.http.fetch,
      },
      new FieldMapper(contactObject === 'Lead' ? LEAD_FIELDS : CONTACT_FIELDS, config.fieldMapping),
    );
  }
}
