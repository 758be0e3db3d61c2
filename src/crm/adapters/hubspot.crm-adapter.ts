import type http from 'node:http';

import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import {
  AssociationSpecAssociationCategoryEnum,
  FilterOperatorEnum as DealFilterOperatorEnum,
} from '@hubspot/api-client/lib/codegen/crm/deals';
import { AssociationSpecAssociationCategoryEnum as NoteAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/notes';

import { FORBIDDEN_ADDRESS_CODE, type ForbiddenAddressError } from 'src/common/net/address-guard';
import { crmDeadline, errorForStatus, nonPublicEndpoint, requireId } from 'src/crm/adapters/crm-call';
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

/** Call-time SDK options, generic because each generated API module of the SDK has its own context classes. */
interface PerCallOptions {
  middleware: Array<{
    pre<C extends { setAgent(agent: http.Agent): void }>(context: C): Promise<C>;
    post<R>(response: R): Promise<R>;
  }>;
  middlewareMergeStrategy: 'append';
}

/** HubSpot's fixed association type ids: deal → contact, note → contact. */
const DEAL_TO_CONTACT = 3;
const NOTE_TO_CONTACT = 202;
const NAME = 'HubSpot';
export const HUBSPOT_API = 'https://api.hubapi.com';

export interface HubspotSettings {
  accessToken: string;
  basePath?: string;
  /** Refuses non-public addresses at connect time (absent when private addresses are allowed, e.g. local fakes). */
  httpAgent?: http.Agent;
  /** Set when basePath is a literal non-public IP, which no lookup would catch: every call fails with it. */
  refused?: ForbiddenAddressError;
  pipeline: string;
  dealStage: string;
  timeoutMs: number;
}

interface SdkError {
  code?: number;
  body?: { message?: string };
  headers?: Record<string, string>;
  name?: string;
  type?: string;
}

/** HubSpot CRM v3 through the official SDK (private-app token). The SDK's own retries are off: the outbox retries. */
export class HubspotCrmAdapter extends CrmAdapter {
  readonly type = 'hubspot' as const;
  private readonly client: Client;
  private readonly perCall?: PerCallOptions;

  constructor(
    private readonly settings: HubspotSettings,
    private readonly mapper: FieldMapper,
  ) {
    super();
    this.client = new Client({
      accessToken: settings.accessToken,
      basePath: settings.basePath,
      numberOfApiCallRetries: 0,
    });
    const agent = settings.httpAgent;
    // The SDK (13.x) drops the middleware its own `httpAgent` option installs (only call-time middleware runs), so
    // the guarded agent is attached to every call here.
    this.perCall = agent
      ? {
          middleware: [
            {
              pre: (context) => {
                context.setAgent(agent);
                return Promise.resolve(context);
              },
              post: (response) => Promise.resolve(response),
            },
          ],
          middlewareMergeStrategy: 'append',
        }
      : undefined;
  }

  async searchContact(query: ContactQuery): Promise<CrmRecordRef | null> {
    const [field, value] = query.email ? (['email', query.email] as const) : (['phone', query.phone] as const);
    const property = this.mapper.nameOf(field);
    if (!value || !property) return null;
    const page = await this.call(() =>
      this.client.crm.contacts.searchApi.doSearch(
        {
          filterGroups: [{ filters: [{ propertyName: property, operator: FilterOperatorEnum.Eq, value }] }],
          properties: [property],
          limit: 1,
          sorts: ['createdate'],
        },
        this.perCall,
      ),
    );
    if (!Array.isArray(page?.results)) throw new CrmCallError('malformed', `${NAME} search answer has no results list`);
    return page.results.length ? { id: requireId(NAME, page.results[0].id) } : null;
  }

  async createContact(fields: ContactFields): Promise<ContactWrite> {
    const properties = this.properties(fields);
    try {
      const created = await this.call(() =>
        this.client.crm.contacts.basicApi.create({ properties, associations: [] }, this.perCall),
      );
      return { id: requireId(NAME, created?.id), action: 'created', written: fields, differing: {} };
    } catch (err) {
      // A create racing another (or a search index lagging behind) meets HubSpot's unique email: merge into that one.
      const existing =
        err instanceof CrmCallError && err.httpStatus === 409
          ? /Existing ID:\s*(\d+)/.exec(err.message)?.[1]
          : undefined;
      if (existing) return this.mergeContact(existing, fields);
      throw err;
    }
  }

  async mergeContact(id: string, fields: ContactFields): Promise<ContactWrite> {
    this.properties(fields); // validates every value before anything is written
    const names = PLATFORM_FIELDS.flatMap((f) => this.mapper.nameOf(f) ?? []);
    const contact = await this.call(() =>
      this.client.crm.contacts.basicApi.getById(id, names, undefined, undefined, false, undefined, this.perCall),
    );
    const held = contact?.properties;
    if (!held || typeof held !== 'object')
      throw new CrmCallError('malformed', `${NAME} contact answer has no properties`);
    const current: HeldFields = {};
    for (const field of PLATFORM_FIELDS) {
      const name = this.mapper.nameOf(field);
      // An unmapped field is never written; a requested property HubSpot leaves out is empty.
      if (name) current[field] = typeof held[name] === 'string' ? held[name] : null;
    }
    const { fill, differing } = mergeUnverified(current, fields);
    if (hasFields(fill)) {
      await this.call(() =>
        this.client.crm.contacts.basicApi.update(
          id,
          { properties: this.properties(fill, { withConstants: false }) },
          undefined,
          this.perCall,
        ),
      );
    }
    if (hasFields(differing)) await this.addNote(id, differingNote(differing, fields));
    return { id, action: 'merged', written: fill, differing };
  }

  /** A note on the contact's timeline (HubSpot's notes engagement, associated to the contact). */
  private async addNote(contactId: string, body: string): Promise<void> {
    await this.call(() =>
      this.client.crm.objects.notes.basicApi.create(
        {
          properties: { hs_timestamp: new Date().toISOString(), hs_note_body: body },
          associations: [
            {
              to: { id: contactId },
              types: [
                { associationCategory: NoteAssociationCategoryEnum.HubspotDefined, associationTypeId: NOTE_TO_CONTACT },
              ],
            },
          ],
        },
        this.perCall,
      ),
    );
  }

  async createDeal(input: DealInput): Promise<CrmRecordRef> {
    const properties: Record<string, string> = {
      dealname: input.name,
      pipeline: this.settings.pipeline,
      dealstage: input.stage ?? this.settings.dealStage,
    };
    if (input.amount !== undefined) properties.amount = String(input.amount);
    if (input.fields.message) properties.description = input.fields.message;
    const created = await this.call(() =>
      this.client.crm.deals.basicApi.create(
        {
          properties,
          associations: [
            {
              to: { id: input.contactId },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: DEAL_TO_CONTACT,
                },
              ],
            },
          ],
        },
        this.perCall,
      ),
    );
    return { id: requireId(NAME, created?.id) };
  }

  override async findDeal(query: { contactId: string; name: string }): Promise<CrmRecordRef | null> {
    // `associations.contact` is HubSpot's search pseudo-property for "associated with this contact".
    const page = await this.call(() =>
      this.client.crm.deals.searchApi.doSearch(
        {
          filterGroups: [
            {
              filters: [
                { propertyName: 'dealname', operator: DealFilterOperatorEnum.Eq, value: query.name },
                { propertyName: 'associations.contact', operator: DealFilterOperatorEnum.Eq, value: query.contactId },
              ],
            },
          ],
          properties: ['dealname'],
          limit: 1,
        },
        this.perCall,
      ),
    );
    if (!Array.isArray(page?.results))
      throw new CrmCallError('malformed', `${NAME} deal search answer has no results list`);
    return page.results.length ? { id: requireId(NAME, page.results[0].id) } : null;
  }

  async listPipelines(): Promise<CrmPipeline[]> {
    const res = await this.call(() => this.client.crm.pipelines.pipelinesApi.getAll('deals', this.perCall));
    if (!Array.isArray(res?.results))
      throw new CrmCallError('malformed', `${NAME} pipelines answer has no results list`);
    return res.results.map((p) => ({
      id: p.id,
      label: p.label,
      stages: (p.stages ?? []).map((s) => ({ id: s.id, label: s.label })),
    }));
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const contacts = this.client.crm.contacts.basicApi;
    const page = await this.call(() =>
      contacts.getPage(1, undefined, undefined, undefined, undefined, undefined, this.perCall),
    );
    if (!Array.isArray(page?.results))
      throw new CrmCallError('malformed', `${NAME} contacts answer has no results list`);
    return { ok: true, message: 'Connected to HubSpot: the access token can read contacts.' };
  }

  private properties(fields: ContactFields, options?: { withConstants: boolean }): Record<string, string> {
    return Object.fromEntries(Object.entries(this.mapper.toCrm(fields, options)).map(([k, v]) => [k, String(v)]));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.settings.refused) throw nonPublicEndpoint(NAME, this.settings.refused.hostname);
    try {
      return await crmDeadline(NAME, this.settings.timeoutMs, fn);
    } catch (err) {
      if (err instanceof CrmCallError) throw err;
      const e = err as SdkError;
      if (typeof e.code === 'number' && e.code >= 400) {
        throw errorForStatus(
          NAME,
          e.code,
          typeof e.body?.message === 'string' ? e.body.message : undefined,
          e.headers?.['retry-after'],
        );
      }
      if ((err as { code?: unknown }).code === FORBIDDEN_ADDRESS_CODE) {
        throw nonPublicEndpoint(NAME, new URL(this.settings.basePath ?? HUBSPOT_API).hostname);
      }
      // node-fetch network failures (refused, reset) vs. answers the SDK could not parse.
      if (e.name === 'FetchError' || e.type === 'system')
        throw new CrmCallError('unavailable', `${NAME} could not be reached`);
      throw new CrmCallError('malformed', `${NAME} answered with an unreadable response`);
    }
  }
}
