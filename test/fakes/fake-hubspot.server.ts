import { randomUUID } from 'node:crypto';

import { FakeCrmServer, RecordedRequest, Reply } from 'test/crm/fake-crm-base';

interface HubspotObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  associations?: unknown;
}

const error = (status: number, message: string, category: string): Reply => ({
  status,
  body: { status: 'error', message, correlationId: randomUUID(), category },
});

/**
 * A local HubSpot CRM v3 (api.hubapi.com) speaking the real paths, bodies and error envelopes, so tests drive the
 * real `@hubspot/api-client` with `basePath` pointed here: contacts search/create/read/update/list, deals with
 * associations, notes associated to contacts, deal pipelines; Bearer private-app token auth; unique email (409 "Existing ID").
 */
export class FakeHubspotServer extends FakeCrmServer {
  readonly contacts = new Map<string, HubspotObject>();
  readonly deals = new Map<string, HubspotObject & { contactIds: string[] }>();
  readonly notes = new Map<string, HubspotObject & { contactIds: string[] }>();
  private nextId = 1000;

  constructor(readonly accessToken = 'pat-na1-fake-token') {
    super();
  }

  static async start(accessToken?: string): Promise<FakeHubspotServer> {
    return new FakeHubspotServer(accessToken).start();
  }

  protected route(req: RecordedRequest): Reply {
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return error(
        401,
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        'INVALID_AUTHENTICATION',
      );
    }
    const url = new URL(req.path, 'http://fake');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const p = url.pathname;
    if (req.method === 'POST' && p === '/crm/v3/objects/contacts/search') return this.search(body);
    if (req.method === 'POST' && p === '/crm/v3/objects/contacts') return this.createContact(body);
    if (req.method === 'GET' && p === '/crm/v3/objects/contacts') {
      const limit = Number(url.searchParams.get('limit') ?? 10);
      return { status: 200, body: { results: [...this.contacts.values()].slice(0, limit) } };
    }
    const contact = /^\/crm\/v3\/objects\/contacts\/(\d+)$/.exec(p);
    if (req.method === 'PATCH' && contact) return this.updateContact(contact[1], body);
    if (req.method === 'GET' && contact)
      return this.readContact(
        contact[1],
        url.searchParams.getAll('properties').flatMap((v) => v.split(',')),
      );
    if (req.method === 'POST' && p === '/crm/v3/objects/notes') return this.createNote(body);
    if (req.method === 'POST' && p === '/crm/v3/objects/deals') return this.createDeal(body);
    if (req.method === 'POST' && p === '/crm/v3/objects/deals/search') return this.searchDeals(body);
    if (req.method === 'GET' && p === '/crm/v3/pipelines/deals')
      return { status: 200, body: { results: [pipeline()] } };
    return error(404, `Unable to route ${req.method} ${p}`, 'OBJECT_NOT_FOUND');
  }

  private search(body: Record<string, unknown>): Reply {
    const groups = (body.filterGroups ?? []) as {
      filters: { propertyName: string; operator: string; value: string }[];
    }[];
    const matches = [...this.contacts.values()].filter((c) =>
      groups.some((g) =>
        g.filters.every(
          (f) =>
            f.operator === 'EQ' && (c.properties[f.propertyName] ?? '').toLowerCase() === String(f.value).toLowerCase(),
        ),
      ),
    );
    const limit = Number(body.limit ?? 10);
    return { status: 200, body: { total: matches.length, results: matches.slice(0, limit) } };
  }

  private createContact(body: Record<string, unknown>): Reply {
    const properties = (body.properties ?? {}) as Record<string, string>;
    const invalid = Object.keys(properties).find((k) => !/^[a-z0-9_]+$/.test(k));
    if (invalid) {
      return error(
        400,
        `Property values were not valid: [{"isValid":false,"message":"Property \\"${invalid}\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"${invalid}"}]`,
        'VALIDATION_ERROR',
      );
    }
    const email = properties.email?.toLowerCase();
    const clash = email && [...this.contacts.values()].find((c) => c.properties.email?.toLowerCase() === email);
    if (clash) return error(409, `Contact already exists. Existing ID: ${clash.id}`, 'CONFLICT');
    const obj = this.object(properties);
    this.contacts.set(obj.id, obj);
    return { status: 201, body: obj };
  }

  private updateContact(id: string, body: Record<string, unknown>): Reply {
    const existing = this.contacts.get(id);
    if (!existing) return error(404, `resource not found`, 'OBJECT_NOT_FOUND');
    Object.assign(existing.properties, body.properties ?? {});
    existing.updatedAt = new Date().toISOString();
    return { status: 200, body: existing };
  }

  /** Like HubSpot: the default properties plus the requested ones (repeated or comma-separated), unset ones as null. */
  private readContact(id: string, requested: string[]): Reply {
    const existing = this.contacts.get(id);
    if (!existing) return error(404, 'resource not found', 'OBJECT_NOT_FOUND');
    const names = ['hs_object_id', 'createdate', 'lastmodifieddate', ...requested];
    const properties = Object.fromEntries(names.map((n) => [n, existing.properties[n] ?? null]));
    return { status: 200, body: { ...existing, properties } };
  }

  /** Notes need hs_timestamp; note → contact is association type 202. */
  private createNote(body: Record<string, unknown>): Reply {
    const properties = (body.properties ?? {}) as Record<string, string>;
    if (!properties.hs_timestamp)
      return error(400, 'Property values were not valid: hs_timestamp is required', 'VALIDATION_ERROR');
    const associations = (body.associations ?? []) as {
      to: { id: string };
      types: { associationCategory: string; associationTypeId: number }[];
    }[];
    const contactIds = associations.filter((a) => a.types.some((t) => t.associationTypeId === 202)).map((a) => a.to.id);
    const missing = contactIds.find((id) => !this.contacts.has(id));
    if (missing)
      return error(400, `One or more associations are invalid: contact ${missing} does not exist`, 'VALIDATION_ERROR');
    const obj = { ...this.object(properties), contactIds };
    this.notes.set(obj.id, obj);
    const { contactIds: _omit, ...wire } = obj;
    return { status: 201, body: wire };
  }

  /** Supports EQ on properties and on the `associations.contact` pseudo-property. */
  private searchDeals(body: Record<string, unknown>): Reply {
    const groups = (body.filterGroups ?? []) as {
      filters: { propertyName: string; operator: string; value: string }[];
    }[];
    const matches = [...this.deals.values()].filter((d) =>
      groups.some((g) =>
        g.filters.every((f) =>
          f.propertyName === 'associations.contact'
            ? d.contactIds.includes(String(f.value))
            : d.properties[f.propertyName] === f.value,
        ),
      ),
    );
    const results = matches.slice(0, Number(body.limit ?? 10)).map(({ contactIds: _omit, ...wire }) => wire);
    return { status: 200, body: { total: matches.length, results } };
  }

  private createDeal(body: Record<string, unknown>): Reply {
    const properties = (body.properties ?? {}) as Record<string, string>;
    const associations = (body.associations ?? []) as {
      to: { id: string };
      types: { associationCategory: string; associationTypeId: number }[];
    }[];
    const contactIds = associations.filter((a) => a.types.some((t) => t.associationTypeId === 3)).map((a) => a.to.id);
    const missing = contactIds.find((id) => !this.contacts.has(id));
    if (missing)
      return error(400, `One or more associations are invalid: contact ${missing} does not exist`, 'VALIDATION_ERROR');
    const obj = { ...this.object(properties), contactIds };
    this.deals.set(obj.id, obj);
    const { contactIds: _omit, ...wire } = obj;
    return { status: 201, body: wire };
  }

  private object(properties: Record<string, string>): HubspotObject {
    const id = String(this.nextId++);
    const now = new Date().toISOString();
    return {
      id,
      properties: { ...properties, hs_object_id: id, createdate: now, lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
  }
}

function pipeline() {
  const now = new Date().toISOString();
  const stage = (id: string, label: string, displayOrder: number) => ({
    id,
    label,
    displayOrder,
    metadata: { isClosed: 'false', probability: '0.2' },
    createdAt: now,
    updatedAt: now,
    archived: false,
    writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
  });
  return {
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    createdAt: now,
    updatedAt: now,
    archived: false,
    stages: [stage('appointmentscheduled', 'Appointment Scheduled', 0), stage('closedwon', 'Closed Won', 1)],
  };
}
