import { randomBytes } from 'node:crypto';

import { FakeCrmServer, RecordedRequest, Reply } from 'test/crm/fake-crm-base';

type SObject = Record<string, unknown> & { Id: string };

const PREFIX: Record<string, string> = {
  Lead: '00Q',
  Contact: '003',
  Opportunity: '006',
  OpportunityContactRole: '00K',
  Task: '00T',
};
const REQUIRED: Record<string, string[]> = {
  Lead: ['LastName', 'Company'],
  Contact: ['LastName'],
  Opportunity: ['Name', 'StageName', 'CloseDate'],
  OpportunityContactRole: ['OpportunityId', 'ContactId'],
  Task: ['Status', 'Priority'],
};
const sfError = (status: number, errorCode: string, message: string, fields?: string[]): Reply => ({
  status,
  body: [{ message, errorCode, ...(fields ? { fields } : {}) }],
});

/**
 * A local Salesforce org: OAuth refresh-token grant at /services/oauth2/token and the REST API under
 * /services/data/vXX.X (SOQL query on one equality, sobject create/read/update, describe, limits), with Salesforce's
 * error arrays ({message, errorCode}) and 204 on update. `expireSession()` invalidates the current access token.
 */
export class FakeSalesforceServer extends FakeCrmServer {
  readonly objects = new Map<string, Map<string, SObject>>();
  accessToken = `00D${randomBytes(8).toString('hex')}!session`;
  tokenRequests = 0;

  constructor(
    readonly oauth = { clientId: 'sf-client-id', clientSecret: 'sf-client-secret', refreshToken: 'sf-refresh-token' },
  ) {
    super();
  }

  static async start(): Promise<FakeSalesforceServer> {
    return new FakeSalesforceServer().start();
  }

  expireSession(): void {
    this.accessToken = `00D${randomBytes(8).toString('hex')}!session`;
  }

  all(type: string): SObject[] {
    return [...(this.objects.get(type)?.values() ?? [])];
  }

  protected route(req: RecordedRequest): Reply {
    const url = new URL(req.path, 'http://fake');
    if (req.method === 'POST' && url.pathname === '/services/oauth2/token') return this.token(req.rawBody);
    const api = /^\/services\/data\/v\d+\.\d\/(.*)$/.exec(url.pathname);
    if (!api) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (req.headers.authorization !== `Bearer ${this.accessToken}`)
      return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    const rest = api[1];
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.method === 'GET' && rest === 'limits')
      return { status: 200, body: { DailyApiRequests: { Max: 15000, Remaining: 14990 } } };
    if (req.method === 'GET' && rest === 'query') return this.query(url.searchParams.get('q') ?? '');
    if (req.method === 'GET' && rest === 'sobjects/Opportunity/describe') {
      const picklistValues = ['Prospecting', 'Qualification', 'Closed Won'].map((v) => ({
        value: v,
        label: v,
        active: true,
        defaultValue: false,
        validFor: null,
      }));
      return {
        status: 200,
        body: {
          name: 'Opportunity',
          fields: [
            { name: 'Name', type: 'string' },
            { name: 'StageName', type: 'picklist', picklistValues },
          ],
        },
      };
    }
    const create = /^sobjects\/(\w+)$/.exec(rest);
    if (req.method === 'POST' && create) return this.create(create[1], body);
    const update = /^sobjects\/(\w+)\/(\w+)$/.exec(rest);
    if (req.method === 'GET' && update) return this.read(update[1], update[2], url.searchParams.get('fields'));
    if (req.method === 'PATCH' && update) {
      const existing = this.objects.get(update[1])?.get(update[2]);
      if (!existing) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      Object.assign(existing, body);
      return { status: 204 };
    }
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private token(raw: string): Reply {
    this.tokenRequests += 1;
    const form = new URLSearchParams(raw);
    if (
      form.get('grant_type') !== 'refresh_token' ||
      form.get('client_id') !== this.oauth.clientId ||
      form.get('client_secret') !== this.oauth.clientSecret
    ) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    }
    if (form.get('refresh_token') !== this.oauth.refreshToken) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } };
    }
    return {
      status: 200,
      body: {
        access_token: this.accessToken,
        signature: randomBytes(16).toString('base64'),
        scope: 'refresh_token api',
        instance_url: this.baseUrl,
        id: `${this.baseUrl}/id/00D000000000001/005000000000001`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
      },
    };
  }

  private query(soql: string): Reply {
    const m = /^SELECT Id FROM (\w+) WHERE (\w+) = '((?:[^'\\]|\\.)*)'/i.exec(soql);
    if (!m) return sfError(400, 'MALFORMED_QUERY', `unexpected query: ${soql}`);
    const value = m[3].replace(/\\(.)/g, '$1');
    const records = this.all(m[1])
      .filter((o) => String(o[m[2]] ?? '').toLowerCase() === value.toLowerCase())
      .slice(0, 1)
      .map((o) => ({ attributes: { type: m[1], url: `/services/data/v62.0/sobjects/${m[1]}/${o.Id}` }, Id: o.Id }));
    return { status: 200, body: { totalSize: records.length, done: true, records } };
  }

  /** GET sobjects/Type/Id?fields=A,B: the requested fields (null when unset) and the record's attributes. */
  private read(type: string, id: string, fields: string | null): Reply {
    const existing = this.objects.get(type)?.get(id);
    if (!existing) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const names = fields ? fields.split(',') : Object.keys(existing);
    const record = Object.fromEntries(names.map((n) => [n, existing[n] ?? null]));
    return {
      status: 200,
      body: { attributes: { type, url: `/services/data/v62.0/sobjects/${type}/${id}` }, ...record, Id: id },
    };
  }

  private create(type: string, body: Record<string, unknown>): Reply {
    const missing = (REQUIRED[type] ?? []).filter((f) => body[f] === undefined || body[f] === '');
    if (missing.length)
      return sfError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    const id = `${PREFIX[type] ?? '001'}${randomBytes(6).toString('hex').toUpperCase()}AAA`.slice(0, 18);
    if (!this.objects.has(type)) this.objects.set(type, new Map());
    this.objects.get(type)!.set(id, { ...body, Id: id });
    return { status: 201, body: { id, success: true, errors: [] } };
  }
}
