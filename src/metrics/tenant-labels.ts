/** The label every tenant not named in METRICS_TENANT_LABELS is counted under. */
export const OTHER_TENANT = 'other';

/**
 * Folds tenant ids into a bounded label set: only the ids an operator opted in (METRICS_TENANT_LABELS) keep their
 * own value, everything else is `other`, so a platform with thousands of tenants still has a handful of series.
 */
export class TenantLabels {
  private readonly named: ReadonlySet<string>;

  constructor(setting: string) {
    this.named = new Set(
      setting === 'off'
        ? []
        : setting
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
    );
  }

  label(businessId: string): string {
    return this.named.has(businessId) ? businessId : OTHER_TENANT;
  }
}
