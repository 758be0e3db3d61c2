import { CrmErrors } from 'src/crm/crm.errors';
import type { CrmAdapter, CrmType } from 'src/crm/crm-adapter.port';
import type { CrmCredentials, CrmOptions, ResolvedCrmConfig } from 'src/crm/crm-config.types';

export interface ValidatedConnection {
  credentials: CrmCredentials;
  options: CrmOptions;
}

/**
 * Everything one CRM type contributes: config validation (400 naming the field), which credential keys are secret,
 * and how to build an adapter. Adding a CRM means one factory class registered in CrmModule.
 */
export abstract class CrmAdapterFactory {
  abstract readonly type: CrmType;
  abstract validate(credentials: unknown, options: unknown): ValidatedConnection;
  abstract create(config: ResolvedCrmConfig): CrmAdapter;
  /** Option keys holding secrets (credentials are always all secret). */
  readonly secretOptionKeys: readonly string[] = [];
}

type Obj = Record<string, unknown>;

export function asObject(value: unknown, path: string, { required = false } = {}): Obj {
  if (value === undefined || value === null) {
    if (required) throw CrmErrors.invalidConfig(path, 'is required');
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw CrmErrors.invalidConfig(path, 'must be an object');
  return value as Obj;
}

export function onlyKeys(obj: Obj, path: string, allowed: readonly string[]): void {
  const extra = Object.keys(obj).find((k) => !allowed.includes(k));
  if (extra)
    throw CrmErrors.invalidConfig(`${path}.${extra}`, `unknown key (expected ${allowed.join(', ') || 'none'})`);
}

export function str(obj: Obj, path: string, key: string, { required = false, max = 4096 } = {}): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw CrmErrors.invalidConfig(`${path}.${key}`, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') throw CrmErrors.invalidConfig(`${path}.${key}`, 'must be a string');
  if (value.length > max) throw CrmErrors.invalidConfig(`${path}.${key}`, `must be at most ${max} characters`);
  return value;
}

export function httpUrl(obj: Obj, path: string, key: string, { required = false } = {}): string | undefined {
  const value = str(obj, path, key, { required, max: 2048 });
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw CrmErrors.invalidConfig(`${path}.${key}`, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw CrmErrors.invalidConfig(`${path}.${key}`, 'must be an http(s) URL');
  return value.replace(/\/+$/, '');
}

export function compact<T extends Obj>(obj: T): Record<string, string> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
