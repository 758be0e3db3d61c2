/**
 * What a client tells us about a session (page URL, plan, locale, referrer; for calls: from, to, caller country):
 * flat, small and typed, because rules compare it (`metadata.plan`) and it is stored with every message that sent it.
 */
export type SessionMetadataValue = string | number | boolean;
export type SessionMetadata = Record<string, SessionMetadataValue>;

export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,40}$/;
export const MAX_METADATA_KEYS = 20;
/** Of the JSON text; the limit is on what is stored per message and per session. */
export const MAX_METADATA_BYTES = 2048;

/** The first problem with a `metadata` object, or null when it is acceptable. */
export function metadataProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'metadata must be an object';
  const entries = Object.entries(value);
  if (entries.length > MAX_METADATA_KEYS) return `metadata may have at most ${MAX_METADATA_KEYS} keys`;
  for (const [key, v] of entries) {
    if (!METADATA_KEY_PATTERN.test(key))
      return `metadata key "${key.slice(0, 40)}" must match ${METADATA_KEY_PATTERN.source}`;
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) return `metadata.${key} must be a string, a finite number or a boolean`;
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_METADATA_BYTES)
    return `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON`;
  return null;
}

/**
 * Later values win key by key (a new page URL replaces the old one). The merged whole obeys the same key limit:
 * past it, the newest keys are kept, so a long session cannot grow its state without bound.
 */
export function mergeMetadata(current: SessionMetadata | undefined, update: SessionMetadata): SessionMetadata {
  const merged: SessionMetadata = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(update)) {
    delete merged[k];
    merged[k] = v;
  }
  const keys = Object.keys(merged);
  return keys.length <= MAX_METADATA_KEYS
    ? merged
    : Object.fromEntries(keys.slice(keys.length - MAX_METADATA_KEYS).map((k) => [k, merged[k]]));
}
