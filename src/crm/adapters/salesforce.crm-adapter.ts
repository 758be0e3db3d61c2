import type { RequestInit, Response } from 'undici';

import { forbiddenAddressOf, OutboundFetch } from 'src/common/net/public-fetch';
import { errorForStatus, nonPublicEndpoint, parseRetryAfter, requireId } from 'src/crm/adapters/crm-call';
import { differingNote, hasFields, HeldFields, mergeUnverified } from 'src/crm/contact-merge';
import { CrmCallError } from 'src/crm/crm.errors';
import {
  ConnectionTestResult,
  ContactFields,
  ContactQuery,
  ContactWrite,
  CrmAdapter,
  CrmPipeline,
  CrmRecordRef,
  DealInput,
  PLATFORM_FIELDS,
} from 'src/crm/crm-adapter.port';
import type { FieldMapper } from 'src/crm/field-mapper';

const NAME = 'Salesforce';
/** Salesforce's own placeholder (web-to-lead) for required fields the visitor did not give. */
const NOT_PROVIDED = '[not provided]';

export interface SalesforceSettings {
  instanceUrl?: string;
  accessToken?: string;
  refresh?: { loginUrl: string; refreshToken: string; clientId: string; clientSecret: string };
  apiVersion: string;
  contactObject: 'Lead' | 'Contact';
  opportunityStage: string;
  /** Custom lookup on Opportunity pointing at a Lead (Leads have no standard link to Opportunities). */
  opportunityLeadField?: string;
  timeoutMs: number;
  /** Refuses non-public addresses unless the platform allows them (see CrmOutboundHttp). */
  fetch: OutboundFetch;
}

interface SfAnswer {
  status: number;
  body: unknown;
}

/**
 * Salesforce REST API over fetch (access token + instance URL, or OAuth refresh token): Lead or Contact, and
 * Opportunity linked through OpportunityContactRole (Contact) or a configured lookup field (Lead). An expired
 * session is refreshed once per call when a refresh token is configured.
 */
export class SalesforceCrmAdapter extends CrmAdapter {
  readonly type = 'salesforce' as const;
  private session?: Promise<{ instanceUrl: string; accessToken: string }>;

  constructor(
    private readonly settings: SalesforceSettings,
    private readonly mapper: FieldMapper,
  ) {
    super();
    if (settings.accessToken && settings.instanceUrl) {
      this.session = Promise.resolve({ instanceUrl: settings.instanceUrl, accessToken: settings.accessToken });
    }
  }

  async searchContact(query: ContactQuery): Promise<CrmRecordRef | null> {
    const [field, value] = query.email ? (['email', query.email] as const) : (['phone', query.phone] as const);
    const column = this.mapper.nameOf(field);
    if (!value || !column) return null;
    const soql = `SELECT Id FROM ${this.settings.contactObject} WHERE ${column} = '${soqlEscape(value)}' ORDER BY CreatedDate ASC LIMIT 1`;
    const res = await this.api('GET', `/query?q=${encodeURIComponent(soql)}`);
    const records = (res.body as { records?: { Id?: unknown }[] })?.records;
    if (!Array.isArray(records)) throw new CrmCallError('malformed', `${NAME} query answer has no records list`);
    return records.length ? { id: requireId(NAME, records[0].Id) } : null;
  }

  async createContact(fields: ContactFields): Promise<ContactWrite> {
    const res = await this.api('POST', `/sobjects/${this.settings.contactObject}`, this.record(fields));
    return {
      id: requireId(NAME, (res.body as { id?: unknown })?.id),
      action: 'created',
      written: fields,
      differing: {},
    };
  }

  async mergeContact(id: string, fields: ContactFields): Promise<ContactWrite> {
    this.mapper.toCrm(fields); // validates every value before anything is written
    const path = `/sobjects/${this.settings.contactObject}/${encodeURIComponent(id)}`;
    const columns = PLATFORM_FIELDS.flatMap((f) => this.mapper.nameOf(f) ?? []);
    const res = await this.api('GET', `${path}?fields=${encodeURIComponent(columns.join(','))}`);
    const held = res.body as Record<string, unknown> | undefined;
    if (!held || typeof held !== 'object')
      throw new CrmCallError('malformed', `${NAME} record answer is not an object`);
    const current: HeldFields = {};
    for (const field of PLATFORM_FIELDS) {
      const column = this.mapper.nameOf(field);
      if (!column) continue; // never written
      const value = held[column];
      // Salesforce's own "[not provided]" placeholder is as good as empty.
      current[field] = typeof value === 'string' && value !== NOT_PROVIDED ? value : null;
    }
    const { fill, differing } = mergeUnverified(current, fields);
    if (hasFields(fill)) await this.api('PATCH', path, this.mapper.toCrm(fill, { withConstants: false }));
    if (hasFields(differing)) {
      // An open Task on the Lead/Contact (WhoId): it shows under Open Activities for a person to review.
      await this.api('POST', '/sobjects/Task', {
        WhoId: id,
        Subject: 'Check details from an unverified visitor',
        Description: differingNote(differing, fields),
        Status: 'Not Started',
        Priority: 'Normal',
        ActivityDate: new Date().toISOString().slice(0, 10),
      });
    }
    return { id, action: 'merged', written: fill, differing };
  }

  async createDeal(input: DealInput): Promise<CrmRecordRef> {
    const body: Record<string, unknown> = {
      Name: input.name,
      StageName: input.stage ?? this.settings.opportunityStage,
      // Required by Salesforce; a month out is the usual default for a fresh inbound opportunity.
      CloseDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    };
    if (input.amount !== undefined) body.Amount = input.amount;
    if (input.fields.message) body.Description = input.fields.message;
    if (this.settings.contactObject === 'Lead' && this.settings.opportunityLeadField)
      body[this.settings.opportunityLeadField] = input.contactId;
    const res = await this.api('POST', '/sobjects/Opportunity', body);
    const id = requireId(NAME, (res.body as { id?: unknown })?.id);
    if (this.settings.contactObject === 'Contact') {
      await this.api('POST', '/sobjects/OpportunityContactRole', {
        OpportunityId: id,
        ContactId: input.contactId,
        IsPrimary: true,
      });
    }
    return { id };
  }

  async listPipelines(): Promise<CrmPipeline[]> {
    const res = await this.api('GET', '/sobjects/Opportunity/describe');
    const fields = (
      res.body as { fields?: { name: string; picklistValues?: { value: string; label: string; active: boolean }[] }[] }
    )?.fields;
    if (!Array.isArray(fields)) throw new CrmCallError('malformed', `${NAME} describe answer has no fields`);
    const stage = fields.find((f) => f.name === 'StageName');
    const stages = (stage?.picklistValues ?? []).filter((v) => v.active).map((v) => ({ id: v.value, label: v.label }));
    return [{ id: 'Opportunity', label: 'Opportunity stages', stages }];
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const res = await this.api('GET', '/limits');
    const daily = (res.body as { DailyApiRequests?: { Max?: number; Remaining?: number } })?.DailyApiRequests;
    const detail = daily?.Max ? `; ${daily.Remaining} of ${daily.Max} daily API requests remain` : '';
    return { ok: true, message: `Connected to Salesforce${detail}.` };
  }

  private record(fields: ContactFields): Record<string, unknown> {
    const record: Record<string, unknown> = this.mapper.toCrm(fields);
    record.LastName ??= NOT_PROVIDED;
    if (this.settings.contactObject === 'Lead') record.Company ??= NOT_PROVIDED;
    return record;
  }

  private async api(method: string, path: string, body?: unknown, retried = false): Promise<SfAnswer> {
    const { instanceUrl, accessToken } = await this.currentSession();
    const url = `${instanceUrl}/services/data/v${this.settings.apiVersion}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 && this.settings.refresh && !retried) {
      this.session = undefined; // the session expired: refresh once and replay
      return this.api(method, path, body, true);
    }
    if (res.status >= 400) throw salesforceError(res);
    return res;
  }

  private currentSession(): Promise<{ instanceUrl: string; accessToken: string }> {
    this.session ??= this.refreshSession().catch((err: unknown) => {
      this.session = undefined;
      throw err;
    });
    return this.session;
  }

  private async refreshSession(): Promise<{ instanceUrl: string; accessToken: string }> {
    const r = this.settings.refresh;
    if (!r) throw new CrmCallError('auth', `${NAME} access token is invalid and no refresh token is configured`);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: r.refreshToken,
      client_id: r.clientId,
      client_secret: r.clientSecret,
    });
    const res = await this.fetch(`${r.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const token = res.body as { access_token?: unknown; instance_url?: unknown; error_description?: unknown };
    // OAuth refusals (invalid_grant, invalid_client) come back as 400: they are credential problems, not retryable.
    if (res.status === 400 || res.status === 401)
      throw new CrmCallError('auth', `${NAME} refused the refresh token`, res.status);
    if (res.status >= 400) throw salesforceError(res);
    if (typeof token?.access_token !== 'string')
      throw new CrmCallError('malformed', `${NAME} token answer has no access_token`);
    const instanceUrl = typeof token.instance_url === 'string' ? token.instance_url : this.settings.instanceUrl;
    if (!instanceUrl) throw new CrmCallError('malformed', `${NAME} token answer has no instance_url`);
    return { instanceUrl: instanceUrl.replace(/\/+$/, ''), accessToken: token.access_token };
  }

  private async fetch(url: string, init: RequestInit): Promise<SfAnswer & { retryAfter: string | null }> {
    let res: Response;
    let text: string;
    try {
      res = await this.settings.fetch(url, {
        ...init,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'error',
      });
      text = await res.text();
    } catch (err) {
      const forbidden = forbiddenAddressOf(err);
      if (forbidden) throw nonPublicEndpoint(NAME, forbidden.hostname);
      const name = (err as Error).name;
      throw new CrmCallError(
        'unavailable',
        name === 'TimeoutError' || name === 'AbortError'
          ? `${NAME} did not answer within ${this.settings.timeoutMs} ms`
          : `${NAME} could not be reached`,
      );
    }
    if (!text.trim()) return { status: res.status, body: undefined, retryAfter: res.headers.get('retry-after') };
    try {
      return { status: res.status, body: JSON.parse(text) as unknown, retryAfter: res.headers.get('retry-after') };
    } catch {
      if (res.status >= 500) return { status: res.status, body: undefined, retryAfter: null };
      throw new CrmCallError(
        'malformed',
        `${NAME} answered HTTP ${res.status} with a body that is not JSON`,
        res.status,
      );
    }
  }
}

function salesforceError(res: SfAnswer & { retryAfter?: string | null }): CrmCallError {
  const first = Array.isArray(res.body) ? (res.body[0] as { message?: unknown; errorCode?: unknown }) : undefined;
  const code = typeof first?.errorCode === 'string' ? first.errorCode : undefined;
  // Salesforce reports an exhausted API allowance as 403 REQUEST_LIMIT_EXCEEDED rather than 429.
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return new CrmCallError(
      'rate_limited',
      `${NAME} API request limit exceeded`,
      res.status,
      parseRetryAfter(res.retryAfter) ?? 60_000,
    );
  }
  const detail = code ? `${code}${typeof first?.message === 'string' ? ` ${first.message}` : ''}` : undefined;
  return errorForStatus(NAME, res.status, detail, res.retryAfter);
}

/** SOQL string literal escaping: backslash and single quote. */
function soqlEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
