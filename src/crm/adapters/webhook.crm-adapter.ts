import { createHmac } from 'node:crypto';

import type { Response } from 'undici';

import { forbiddenAddressOf, OutboundFetch } from 'src/common/net/public-fetch';
import { errorForStatus, nonPublicEndpoint, requireId } from 'src/crm/adapters/crm-call';
import { readPath, renderBody, renderUrl, TemplateVars } from 'src/crm/adapters/webhook-template';
import { hasFields, HeldFields, mergeUnverified } from 'src/crm/contact-merge';
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

const NAME = 'The CRM endpoint';

export type WebhookOperation = 'searchContact' | 'createContact' | 'updateContact' | 'createDeal' | 'testConnection';

export interface WebhookOperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Where the record id is in the JSON answer, e.g. "id" or "data.0.id". */
  idPath?: string;
}

export type WebhookAuth =
  | { type: 'none' }
  | { type: 'api_key'; header: string; apiKey: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'hmac'; header: string; secret: string };

export interface WebhookSettings {
  auth: WebhookAuth;
  operations: Partial<Record<WebhookOperation, WebhookOperationSpec>>;
  timeoutMs: number;
  /** Refuses non-public addresses unless the platform allows them (see CrmOutboundHttp). */
  fetch: OutboundFetch;
}

/** A tenant's own REST API, described by per-operation templates. */
export class WebhookCrmAdapter extends CrmAdapter {
  readonly type = 'webhook' as const;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly mapper: FieldMapper,
  ) {
    super();
  }

  async searchContact(query: ContactQuery): Promise<CrmRecordRef | null> {
    const spec = this.settings.operations.searchContact;
    if (!spec) return null; // no search configured: the CRM deduplicates on its side, if at all
    const answer = await this.send(spec, { email: query.email, phone: query.phone }, { notFoundIsEmpty: true });
    const id = answer === undefined ? undefined : readPath(answer, spec.idPath ?? 'id');
    return id === undefined || id === null || id === '' ? null : { id: requireId(NAME, id) };
  }

  async createContact(fields: ContactFields): Promise<ContactWrite> {
    const spec = this.settings.operations.createContact!;
    const id = requireId(NAME, readPath(await this.send(spec, this.contactVars(fields)), spec.idPath ?? 'id'));
    return { id, action: 'created', written: fields, differing: {} };
  }

  /**
   * The endpoint has no "read contact" operation, so what it holds comes from the search answer (the object around
   * the id): a mapped field it shows empty is filled; one it does not show at all is unknown and only recorded. The
   * differing values travel in the update as {{differingValues}} (and in the default body as `differingValues`).
   */
  async mergeContact(id: string, fields: ContactFields): Promise<ContactWrite> {
    const spec = this.settings.operations.updateContact;
    if (!spec) return this.createContact(fields); // no update configured: the CRM deduplicates on its side, if at all
    this.mapper.toCrm(fields); // validates every value before anything is sent
    const { fill, differing } = mergeUnverified(await this.held(id, fields), fields);
    if (!hasFields(fill) && !hasFields(differing)) return { id, action: 'merged', written: {}, differing: {} };
    const mapped = this.mapper.toCrm(fill, { withConstants: false });
    const differingValues = hasFields(differing) ? differing : undefined;
    const answer = await this.send(
      spec,
      { ...fill, fields: mapped, contactId: id, differingValues },
      { defaultBody: { ...mapped, ...(differingValues ? { differingValues } : {}) } },
    );
    // Many APIs answer an update with 204 or without the id: the id we sent is the id.
    const returned = readPath(answer, spec.idPath ?? 'id');
    return {
      id: returned === undefined || returned === null ? id : requireId(NAME, returned),
      action: 'merged',
      written: fill,
      differing,
    };
  }

  /** The contact as the search operation shows it, in platform terms; null when it cannot be found that way. */
  private async held(id: string, fields: ContactFields): Promise<HeldFields | null> {
    const spec = this.settings.operations.searchContact;
    if (!spec || (!fields.email && !fields.phone)) return null;
    const answer = await this.send(spec, { email: fields.email, phone: fields.phone }, { notFoundIsEmpty: true });
    const idPath = (spec.idPath ?? 'id').split('.');
    const record = answer === undefined ? undefined : readPath(answer, idPath.slice(0, -1).join('.'));
    if (!record || typeof record !== 'object' || String((record as Record<string, unknown>)[idPath.at(-1)!]) !== id)
      return null;
    const held: HeldFields = {};
    for (const field of PLATFORM_FIELDS) {
      const name = this.mapper.nameOf(field);
      if (!name || !(name in record)) continue;
      const value = (record as Record<string, unknown>)[name];
      held[field] = typeof value === 'string' ? value : value === null || value === '' ? null : JSON.stringify(value);
    }
    return held;
  }

  async createDeal(input: DealInput): Promise<CrmRecordRef> {
    const spec = this.settings.operations.createDeal;
    if (!spec) throw new CrmCallError('rejected', 'No createDeal operation is configured for this CRM');
    const vars = {
      ...this.contactVars(input.fields),
      contactId: input.contactId,
      dealName: input.name,
      stage: input.stage,
      amount: input.amount,
    };
    const defaultBody = {
      contactId: input.contactId,
      name: input.name,
      stage: input.stage,
      amount: input.amount,
      ...this.mapper.toCrm(input.fields, { withConstants: false }),
    };
    return { id: requireId(NAME, readPath(await this.send(spec, vars, { defaultBody }), spec.idPath ?? 'id')) };
  }

  listPipelines(): Promise<CrmPipeline[]> {
    return Promise.resolve([]);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const spec = this.settings.operations.testConnection;
    if (!spec)
      return {
        ok: true,
        message: 'No test operation is configured; the settings are valid but the endpoint was not called.',
      };
    await this.send(spec, {});
    return { ok: true, message: 'The CRM endpoint answered the test request successfully.' };
  }

  private contactVars(fields: ContactFields): TemplateVars {
    return { ...fields, fields: this.mapper.toCrm(fields) };
  }

  private async send(
    spec: WebhookOperationSpec,
    vars: TemplateVars,
    { notFoundIsEmpty = false, defaultBody }: { notFoundIsEmpty?: boolean; defaultBody?: unknown } = {},
  ): Promise<unknown> {
    const url = renderUrl(spec.url, vars);
    const hasBody = spec.method !== 'GET';
    const body = hasBody
      ? JSON.stringify(spec.body === undefined ? (defaultBody ?? vars.fields) : renderBody(spec.body, vars))
      : undefined;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...spec.headers,
      ...this.authHeaders(body ?? ''),
    };
    if (hasBody) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.settings.fetch(url, {
        method: spec.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const forbidden = forbiddenAddressOf(err);
      if (forbidden) throw nonPublicEndpoint(NAME, forbidden.hostname);
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
      throw new CrmCallError(
        'unavailable',
        timedOut ? `${NAME} did not answer within ${this.settings.timeoutMs} ms` : `${NAME} could not be reached`,
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch {
      throw new CrmCallError('unavailable', `${NAME} dropped the connection mid-answer`);
    }
    if (notFoundIsEmpty && res.status === 404) return undefined;
    if (!res.ok) throw errorForStatus(NAME, res.status, errorDetail(text), res.headers.get('retry-after'));
    if (!text.trim()) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CrmCallError(
        'malformed',
        `${NAME} answered HTTP ${res.status} with a body that is not JSON`,
        res.status,
      );
    }
  }

  private authHeaders(body: string): Record<string, string> {
    const auth = this.settings.auth;
    switch (auth.type) {
      case 'none':
        return {};
      case 'api_key':
        return { [auth.header]: auth.apiKey };
      case 'bearer':
        return { authorization: `Bearer ${auth.token}` };
      case 'basic':
        return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
      case 'hmac': {
        // Timestamp inside the MAC so a captured request cannot be replayed later.
        const ts = String(Math.floor(Date.now() / 1000));
        const mac = createHmac('sha256', auth.secret).update(`${ts}.${body}`).digest('hex');
        return { [auth.header]: `t=${ts},v1=${mac}` };
      }
      default: {
        const unreachable: never = auth;
        return unreachable;
      }
    }
  }
}

function errorDetail(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = parsed.message ?? parsed.error;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}
