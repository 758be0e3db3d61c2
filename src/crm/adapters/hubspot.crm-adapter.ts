import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import {
  AssociationSpecAssociationCategoryEnum,
  FilterOperatorEnum as DealFilterOperatorEnum,
} from '@hubspot/api-client/lib/codegen/crm/deals';
import {
  ConnectionTestResult,
  ContactFields,
  ContactQuery,
  CrmAdapter,
  CrmPipeline,
  CrmRecordRef,
  DealInput,
} from 'src/crm/crm-adapter.port';
import { CrmCallError } from 'src/crm/crm.errors';
import { errorForStatus, requireId, withDeadline } from 'src/crm/adapters/crm-call';
import type { FieldMapper } from 'src/crm/field-mapper';

/** HubSpot's fixed association type id for deal → contact. */
const DEAL_TO_CONTACT = 3;
const NAME = 'HubSpot';

export interface HubspotSettings {
  accessToken: string;
  basePath?: string;
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

  constructor(
    private readonly settings: HubspotSettings,
    private readonly mapper: FieldMapper,
  ) {
    super();
    this.client = new Client({ accessToken: settings.accessToken, basePath: settings.basePath, numberOfApiCallRetries: 0 });
  }

  async searchContact(query: ContactQuery): Promise<CrmRecordRef | null> {
    const [field, value] = query.email ? (['email', query.email] as const) : (['phone', query.phone] as const);
    const property = this.mapper.nameOf(field);
    if (!value || !property) return null;
    const page = await this.call(() =>
      this.client.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: property, operator: FilterOperatorEnum.Eq, value }] }],
        properties: [property],
        limit: 1,
        sorts: ['createdate'],
      }),
    );
    if (!Array.isArray(page?.results)) throw new CrmCallError('malformed', `${NAME} search answer has no results list`);
    return page.results.length ? { id: requireId(NAME, page.results[0].id) } : null;
  }

  async createContact(fields: ContactFields): Promise<CrmRecordRef> {
    const properties = this.properties(fields);
    try {
      const created = await this.call(() => this.client.crm.contacts.basicApi.create({ properties, associations: [] }));
      return { id: requireId(NAME, created?.id) };
    } catch (err) {
      // A create racing another (or a search index lagging behind) meets HubSpot's unique email: update that one.
      const existing = err instanceof CrmCallError && err.httpStatus === 409 ? /Existing ID:\s*(\d+)/.exec(err.message)?.[1] : undefined;
      if (existing) return this.updateContact(existing, fields);
      throw err;
    }
  }

  async updateContact(id: string, fields: ContactFields): Promise<CrmRecordRef> {
    const updated = await this.call(() => this.client.crm.contacts.basicApi.update(id, { properties: this.properties(fields) }));
    return { id: requireId(NAME, updated?.id) };
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
      this.client.crm.deals.basicApi.create({
        properties,
        associations: [
          {
            to: { id: input.contactId },
            types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: DEAL_TO_CONTACT }],
          },
        ],
      }),
    );
    return { id: requireId(NAME, created?.id) };
  }

  override async findDeal(query: { contactId: string; name: string }): Promise<CrmRecordRef | null> {
    // `associations.contact` is HubSpot's search pseudo-property for "associated with this contact".
    const page = await this.call(() =>
      this.client.crm.deals.searchApi.doSearch({
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
      }),
    );
    if (!Array.isArray(page?.results)) throw new CrmCallError('malformed', `${NAME} deal search answer has no results list`);
    return page.results.length ? { id: requireId(NAME, page.results[0].id) } : null;
  }

  async listPipelines(): Promise<CrmPipeline[]> {
    const res = await this.call(() => this.client.crm.pipelines.pipelinesApi.getAll('deals'));
    if (!Array.isArray(res?.results)) throw new CrmCallError('malformed', `${NAME} pipelines answer has no results list`);
    return res.results.map((p) => ({
      id: p.id,
      label: p.label,
      stages: (p.stages ?? []).map((s) => ({ id: s.id, label: s.label })),
    }));
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const page = await this.call(() => this.client.crm.contacts.basicApi.getPage(1));
    if (!Array.isArray(page?.results)) throw new CrmCallError('malformed', `${NAME} contacts answer has no results list`);
    return { ok: true, message: 'Connected to HubSpot: the access token can read contacts.' };
  }

  private properties(fields: ContactFields): Record<string, string> {
    return Object.fromEntries(Object.entries(this.mapper.toCrm(fields)).map(([k, v]) => [k, String(v)]));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(NAME, this.settings.timeoutMs, fn);
    } catch (err) {
      if (err instanceof CrmCallError) throw err;
      const e = err as SdkError;
      if (typeof e.code === 'number' && e.code >= 400) {
        throw errorForStatus(NAME, e.code, typeof e.body?.message === 'string' ? e.body.message : undefined, e.headers?.['retry-after']);
      }
      // node-fetch network failures (refused, reset) vs. answers the SDK could not parse.
      if (e.name === 'FetchError' || e.type === 'system') throw new CrmCallError('unavailable', `${NAME} could not be reached`);
      throw new CrmCallError('malformed', `${NAME} answered with an unreadable response`);
    }
  }
}
