import { Injectable } from '@nestjs/common';

import { SecretCipher } from 'src/common/crypto/secret-cipher';
import { CrmCallError, CrmErrors } from 'src/crm/crm.errors';
import { ConnectionTestResult, CrmPipeline, CrmType } from 'src/crm/crm-adapter.port';
import { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import { CrmConfigRepository } from 'src/crm/crm-config.repository';
import type { CrmCredentials, CrmOptions, FieldMapping } from 'src/crm/crm-config.types';
import { validateFieldMapping } from 'src/crm/field-mapper';
import { TenantService } from 'src/tenant/tenant.service';

export const REDACTED = '********';

export interface CrmConnectionInput {
  type: CrmType;
  credentials?: Record<string, unknown>;
  fieldMapping?: unknown;
  options?: unknown;
}

export interface CrmConnectionView {
  type: CrmType;
  configured: boolean;
  credentials: Record<string, string>;
  fieldMapping: FieldMapping & Record<string, unknown>;
  options: CrmOptions;
  updatedAt: Date | null;
}

/** A tenant's CRM connection: validated per type, credentials encrypted at rest and never returned. */
@Injectable()
export class CrmConfigService {
  constructor(
    private readonly configs: CrmConfigRepository,
    private readonly registry: CrmAdapterRegistry,
    private readonly cipher: SecretCipher,
    private readonly tenants: TenantService,
  ) {}

  async get(businessId: string): Promise<CrmConnectionView> {
    await this.tenants.getCached(businessId);
    const row = await this.configs.find(businessId);
    if (!row)
      return { type: 'builtin', configured: false, credentials: {}, fieldMapping: {}, options: {}, updatedAt: null };
    const credentials = this.registry.decryptCredentials(businessId, row.credentialsEncrypted);
    return {
      type: row.type,
      configured: true,
      credentials: Object.fromEntries(Object.keys(credentials).map((k) => [k, REDACTED])),
      fieldMapping: { ...row.fieldMapping },
      options: this.redactOptions(row.type, row.options),
      updatedAt: row.updatedAt,
    };
  }

  async put(businessId: string, input: CrmConnectionInput): Promise<CrmConnectionView> {
    await this.tenants.getCached(businessId);
    const factory = this.registry.factory(input.type);
    const previous = await this.configs.find(businessId);
    // A GET-edit-PUT round trip sends redacted placeholders back: they mean "keep the stored secret".
    const stored =
      previous?.type === input.type ? this.registry.decryptCredentials(businessId, previous.credentialsEncrypted) : {};
    const credentials = restoreRedacted(input.credentials, stored, 'credentials');
    const options = restoreRedacted(input.options, previous?.type === input.type ? previous.options : {}, 'options');
    const fieldMapping = validateFieldMapping(input.fieldMapping);
    const valid = factory.validate(credentials, options);
    await this.configs.save(businessId, {
      type: input.type,
      credentialsEncrypted: Object.keys(valid.credentials).length
        ? this.cipher.encrypt(businessId, JSON.stringify(valid.credentials))
        : null,
      fieldMapping,
      options: valid.options,
    });
    this.registry.evict(businessId);
    return this.get(businessId);
  }

  async remove(businessId: string): Promise<void> {
    await this.tenants.getCached(businessId);
    if (!(await this.configs.delete(businessId))) throw CrmErrors.notConfigured(businessId);
    this.registry.evict(businessId);
  }

  async test(businessId: string): Promise<ConnectionTestResult & { type: CrmType }> {
    await this.tenants.getCached(businessId);
    const adapter = await this.registry.forTenant(businessId);
    try {
      return { type: adapter.type, ...(await adapter.testConnection()) };
    } catch (err) {
      if (err instanceof CrmCallError) return { type: adapter.type, ok: false, message: plainWords(err) };
      throw err;
    }
  }

  async pipelines(businessId: string): Promise<CrmPipeline[]> {
    await this.tenants.getCached(businessId);
    return (await this.registry.forTenant(businessId)).listPipelines();
  }

  private redactOptions(type: CrmType, options: CrmOptions): CrmOptions {
    const secret = this.registry.factory(type).secretOptionKeys;
    return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, secret.includes(k) ? REDACTED : v]));
  }
}

function restoreRedacted(input: unknown, stored: Record<string, unknown>, path: string): unknown {
  if (input === undefined || input === null) return input;
  if (typeof input !== 'object' || Array.isArray(input)) throw CrmErrors.invalidConfig(path, 'must be an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === REDACTED) {
      if (stored[k] === undefined)
        throw CrmErrors.invalidConfig(`${path}.${k}`, 'is redacted but no stored value exists; send the real value');
      out[k] = stored[k];
    } else out[k] = v;
  }
  return out as CrmCredentials;
}

/** What an administrator reads after "test connection": the CRM's answer in plain words, never a credential. */
export function plainWords(err: CrmCallError): string {
  const status = err.httpStatus ? ` (HTTP ${err.httpStatus})` : '';
  switch (err.failure) {
    case 'auth':
      return `The CRM rejected the credentials${status}. Check the token or keys and save them again.`;
    case 'rate_limited':
      return `The CRM is rate-limiting requests${status}${err.retryAfterMs ? `; try again in ${Math.ceil(err.retryAfterMs / 1000)} s` : ''}.`;
    case 'unavailable':
      return `The CRM could not be reached or failed${status}: ${err.message}`;
    case 'rejected':
      return `The CRM refused the request${status}: ${err.message}`;
    case 'malformed':
      return `The CRM answered with something that is not a valid response${status}.`;
    default: {
      const unreachable: never = err.failure;
      return unreachable;
    }
  }
}
