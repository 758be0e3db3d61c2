import { Injectable } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { CrmOutboundHttp } from 'src/crm/adapters/crm-outbound.http';
import {
  WebhookAuth,
  WebhookCrmAdapter,
  WebhookOperation,
  WebhookOperationSpec,
} from 'src/crm/adapters/webhook.crm-adapter';
import { checkTemplate, renderUrl } from 'src/crm/adapters/webhook-template';
import { CrmErrors } from 'src/crm/crm.errors';
import { asObject, compact, CrmAdapterFactory, onlyKeys, str, ValidatedConnection } from 'src/crm/crm-adapter.factory';
import { CrmAdapter } from 'src/crm/crm-adapter.port';
import type { ResolvedCrmConfig } from 'src/crm/crm-config.types';
import { FieldMapper } from 'src/crm/field-mapper';

const OPERATIONS: readonly WebhookOperation[] = [
  'searchContact',
  'createContact',
  'updateContact',
  'createDeal',
  'testConnection',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH'] as const;
const AUTH_TYPES = ['none', 'api_key', 'bearer', 'basic', 'hmac'] as const;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Options are stored in clear and returned by GET: anything that smells of a credential belongs in credentials. */
const SECRET_HEADER = /authorization|cookie|token|secret|api[-_]?key|password|signature/i;
const IDENTITY = {
  firstName: 'firstName',
  lastName: 'lastName',
  email: 'email',
  phone: 'phone',
  company: 'company',
  message: 'message',
  source: 'source',
  sessionId: 'sessionId',
};

/** What each auth type needs from credentials; anything else there is refused so no secret is stored unused. */
const AUTH_SECRETS: Record<(typeof AUTH_TYPES)[number], string[]> = {
  none: [],
  api_key: ['apiKey'],
  bearer: ['bearerToken'],
  basic: ['username', 'password'],
  hmac: ['hmacSecret'],
};

@Injectable()
export class WebhookCrmAdapterFactory extends CrmAdapterFactory {
  readonly type = 'webhook' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly http: CrmOutboundHttp,
  ) {
    super();
  }

  validate(credentials: unknown, options: unknown): ValidatedConnection {
    const opts = asObject(options, 'options', { required: true });
    onlyKeys(opts, 'options', ['auth', 'operations']);
    const auth = asObject(opts.auth, 'options.auth');
    onlyKeys(auth, 'options.auth', ['type', 'header']);
    const authType = (str(auth, 'options.auth', 'type') ?? 'none') as (typeof AUTH_TYPES)[number];
    if (!AUTH_TYPES.includes(authType))
      throw CrmErrors.invalidConfig('options.auth.type', `must be one of ${AUTH_TYPES.join(', ')}`);
    const header = str(auth, 'options.auth', 'header', { max: 64 });
    if (header && !HEADER_NAME.test(header))
      throw CrmErrors.invalidConfig('options.auth.header', 'is not a valid header name');

    const creds = asObject(credentials, 'credentials');
    const needed = AUTH_SECRETS[authType];
    onlyKeys(creds, 'credentials', [...needed, 'inboundSecret']);
    const secrets: Record<string, string | undefined> = {};
    for (const key of needed) secrets[key] = str(creds, 'credentials', key, { required: true, max: 1024 });
    secrets.inboundSecret = str(creds, 'credentials', 'inboundSecret', { max: 1024 });
    if (secrets.inboundSecret !== undefined && secrets.inboundSecret.length < 16) {
      throw CrmErrors.invalidConfig('credentials.inboundSecret', 'must be at least 16 characters');
    }

    const ops = asObject(opts.operations, 'options.operations', { required: true });
    onlyKeys(ops, 'options.operations', OPERATIONS);
    if (!ops.createContact) throw CrmErrors.invalidConfig('options.operations.createContact', 'is required');
    const operations: Record<string, WebhookOperationSpec> = {};
    for (const op of OPERATIONS)
      if (ops[op] !== undefined) operations[op] = validateOperation(ops[op], `options.operations.${op}`);
    return {
      credentials: compact(secrets),
      options: { auth: compact({ type: authType, header }), operations },
    };
  }

  create(config: ResolvedCrmConfig): CrmAdapter {
    const o = config.options as {
      auth: { type: (typeof AUTH_TYPES)[number]; header?: string };
      operations: Record<string, WebhookOperationSpec>;
    };
    const c = config.credentials;
    const auth: WebhookAuth =
      o.auth.type === 'api_key'
        ? { type: 'api_key', header: o.auth.header ?? 'X-API-Key', apiKey: c.apiKey }
        : o.auth.type === 'bearer'
          ? { type: 'bearer', token: c.bearerToken }
          : o.auth.type === 'basic'
            ? { type: 'basic', username: c.username, password: c.password }
            : o.auth.type === 'hmac'
              ? { type: 'hmac', header: o.auth.header ?? 'X-Signature', secret: c.hmacSecret }
              : { type: 'none' };
    return new WebhookCrmAdapter(
      { auth, operations: o.operations, timeoutMs: this.config.get('CRM_HTTP_TIMEOUT_MS'), fetch: this.http.fetch },
      new FieldMapper(IDENTITY, config.fieldMapping),
    );
  }
}

function validateOperation(raw: unknown, path: string): WebhookOperationSpec {
  const op = asObject(raw, path, { required: true });
  onlyKeys(op, path, ['method', 'url', 'headers', 'body', 'idPath']);
  const method = (str(op, path, 'method') ?? 'POST').toUpperCase() as WebhookOperationSpec['method'];
  if (!METHODS.includes(method))
    throw CrmErrors.invalidConfig(`${path}.method`, `must be one of ${METHODS.join(', ')}`);
  const url = str(op, path, 'url', { required: true, max: 2048 })!;
  checkTemplate(url, `${path}.url`);
  let parsed: URL;
  try {
    parsed = new URL(renderUrl(url, {}));
  } catch {
    throw CrmErrors.invalidConfig(`${path}.url`, 'must be an absolute http(s) URL (templates like {{email}} allowed)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw CrmErrors.invalidConfig(`${path}.url`, 'must be an http(s) URL');
  if (
    url
      .replace(/^https?:\/\//i, '')
      .split(/[/?#]/)[0]
      .includes('{{')
  )
    throw CrmErrors.invalidConfig(`${path}.url`, 'the scheme and host cannot be templated');
  const headers = asObject(op.headers, `${path}.headers`);
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw CrmErrors.invalidConfig(`${path}.headers.${name}`, 'is not a valid header name');
    if (SECRET_HEADER.test(name)) {
      throw CrmErrors.invalidConfig(
        `${path}.headers.${name}`,
        'looks like a credential: configure it with options.auth and credentials, which are encrypted',
      );
    }
    if (typeof value !== 'string' || /[\r\n]/.test(value) || value.length > 1024) {
      throw CrmErrors.invalidConfig(`${path}.headers.${name}`, 'must be a single-line string');
    }
  }
  if (op.body !== undefined) checkTemplate(op.body, `${path}.body`);
  const idPath = str(op, path, 'idPath', { max: 200 });
  if (idPath !== undefined && !/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(idPath)) {
    throw CrmErrors.invalidConfig(`${path}.idPath`, 'must be a dot path like "id" or "data.0.id"');
  }
  return {
    method,
    url,
    ...(Object.keys(headers).length ? { headers: headers as Record<string, string> } : {}),
    ...(op.body !== undefined ? { body: op.body } : {}),
    ...(idPath ? { idPath } : {}),
  };
}
