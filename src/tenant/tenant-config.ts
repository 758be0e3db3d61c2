import type { ReadonlyDeep } from 'type-fest';

import type { BusinessEntity } from 'src/tenant/entities/business.entity';

/**
 * A tenant as the hot path sees it. One snapshot per tenant is shared by every request on the instance through the
 * config cache, so it is deep-frozen: a caller that changed it would change it for every other request of that tenant.
 */
export type TenantConfig = ReadonlyDeep<BusinessEntity>;

export function toTenantConfig(entity: BusinessEntity): TenantConfig {
  return deepFreeze(structuredClone({ ...entity }));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
