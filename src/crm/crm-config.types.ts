import type { CrmType, PlatformField } from 'src/crm/crm-adapter.port';

export type ConstantValue = string | number | boolean;

/** Tenant's mapping of platform fields to CRM field names (null drops the field) plus constant custom fields. */
export interface FieldMapping {
  fields?: Partial<Record<PlatformField, string | null>>;
  constants?: Record<string, ConstantValue>;
}

export type CrmCredentials = Record<string, string>;
export type CrmOptions = Record<string, unknown>;

/** A tenant's CRM connection with credentials decrypted: lives only inside the registry and adapters. */
export interface ResolvedCrmConfig {
  businessId: string;
  type: CrmType;
  credentials: CrmCredentials;
  fieldMapping: FieldMapping;
  options: CrmOptions;
}
