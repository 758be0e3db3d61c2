const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * Legacy tenant files and admin clients use snake_case keys (business_id, cta_tree). Only top-level keys are
 * renamed: nested maps such as ctaTree are keyed by tenant-chosen ids that must stay as written.
 * When both spellings are present the camelCase one wins.
 */
export function camelizeTopLevelKeys(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const key = camel(k);
    if (key !== k && key in body) continue;
    out[key] = v;
  }
  return out;
}
