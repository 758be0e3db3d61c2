import { CrmErrors } from 'src/crm/crm.errors';
import { ContactFields, PLATFORM_FIELDS, PlatformField } from 'src/crm/crm-adapter.port';
import type { ConstantValue, FieldMapping } from 'src/crm/crm-config.types';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
const MAX_CONSTANTS = 50;
const MAX_VALUE: Record<PlatformField, number> = {
  firstName: 255,
  lastName: 255,
  email: 320,
  phone: 32,
  company: 255,
  message: 4000,
  source: 64,
  sessionId: 128,
};

/** Checks a mapping given by an administrator; throws a 400 naming the bad key. */
export function validateFieldMapping(raw: unknown): FieldMapping {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw CrmErrors.invalidConfig('fieldMapping', 'must be an object');
  const { fields, constants, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra) throw CrmErrors.invalidConfig(`fieldMapping.${extra}`, 'unknown key (expected fields, constants)');
  const out: FieldMapping = {};
  if (fields !== undefined) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw CrmErrors.invalidConfig('fieldMapping.fields', 'must be an object');
    }
    out.fields = {};
    for (const [key, value] of Object.entries(fields)) {
      if (!(PLATFORM_FIELDS as readonly string[]).includes(key)) {
        throw CrmErrors.invalidConfig(
          `fieldMapping.fields.${key}`,
          `not a platform field (one of ${PLATFORM_FIELDS.join(', ')})`,
        );
      }
      if (value !== null && (typeof value !== 'string' || !NAME.test(value))) {
        throw CrmErrors.invalidConfig(
          `fieldMapping.fields.${key}`,
          'must be a CRM field name (letters, digits, _ . -) or null',
        );
      }
      out.fields[key as PlatformField] = value;
    }
  }
  if (constants !== undefined) {
    if (typeof constants !== 'object' || constants === null || Array.isArray(constants)) {
      throw CrmErrors.invalidConfig('fieldMapping.constants', 'must be an object');
    }
    const entries = Object.entries(constants);
    if (entries.length > MAX_CONSTANTS)
      throw CrmErrors.invalidConfig('fieldMapping.constants', `at most ${MAX_CONSTANTS} entries`);
    out.constants = {};
    for (const [key, value] of entries) {
      if (!NAME.test(key)) throw CrmErrors.invalidConfig(`fieldMapping.constants.${key}`, 'invalid CRM field name');
      const ok =
        (typeof value === 'string' && value.length <= 1000) || typeof value === 'boolean' || Number.isFinite(value);
      if (!ok)
        throw CrmErrors.invalidConfig(
          `fieldMapping.constants.${key}`,
          'must be a string (≤1000 chars), number or boolean',
        );
      out.constants[key] = value as ConstantValue;
    }
  }
  return out;
}

/**
 * Translates platform fields into one CRM's field names: the adapter's defaults, overridden by the tenant's
 * mapping, plus the tenant's constants. Values are checked on every write, not only at configuration time.
 */
export class FieldMapper {
  private readonly names: Partial<Record<PlatformField, string>>;

  constructor(
    defaults: Partial<Record<PlatformField, string>>,
    private readonly mapping: FieldMapping,
  ) {
    const names: Partial<Record<PlatformField, string>> = { ...defaults };
    for (const [key, value] of Object.entries(mapping.fields ?? {})) {
      if (value === null) delete names[key as PlatformField];
      else names[key as PlatformField] = value;
    }
    this.names = names;
  }

  nameOf(field: PlatformField): string | undefined {
    return this.names[field];
  }

  toCrm(fields: ContactFields, { withConstants = true } = {}): Record<string, ConstantValue> {
    const out: Record<string, ConstantValue> = withConstants ? { ...(this.mapping.constants ?? {}) } : {};
    for (const [key, value] of Object.entries(fields) as [PlatformField, string | undefined][]) {
      if (value === undefined || value === '') continue;
      checkValue(key, value);
      const name = this.names[key];
      if (name) out[name] = value;
    }
    return out;
  }
}

export function checkValue(field: PlatformField, value: string): void {
  if (typeof value !== 'string') throw CrmErrors.invalidField(field, 'must be a string');
  if (value.length > MAX_VALUE[field])
    throw CrmErrors.invalidField(field, `longer than ${MAX_VALUE[field]} characters`);
  // eslint-disable-next-line no-control-regex
  if (field !== 'message' && /[\u0000-\u001f]/.test(value))
    throw CrmErrors.invalidField(field, 'contains control characters');
}
