import type { FieldProblem } from 'src/common/errors/app-error';

/**
 * A business's services or products (`catalog`): what dynamic CTAs are made of. A CTA node
 * `{"action":"send","source":"catalog","tag":"…"}` expands into one button per item with that tag, and a model reply
 * may offer the items closest to the question.
 */
export interface CatalogItem {
  id: string;
  name: string;
  description?: string;
  /** Opens this page (a link button); without it the button sends the item's name as the visitor's message. */
  url?: string;
  tags?: readonly string[];
}

export const CATALOG_ITEM_ID = /^[A-Za-z0-9_.-]{1,64}$/;
export const CATALOG_TAG = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const MAX_CATALOG_ITEMS = 500;
const MAX_NAME = 120;
const MAX_DESCRIPTION = 1000;
const MAX_TAGS = 20;
const KEYS = new Set(['id', 'name', 'description', 'url', 'tags']);

const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Every problem with `catalog`, each with the path of the item field (`catalog.<id>.url`); empty when valid. */
export function catalogProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [{ path: 'catalog', message: 'catalog must be an array of items' }];
  if (value.length > MAX_CATALOG_ITEMS)
    return [{ path: 'catalog', message: `catalog: at most ${MAX_CATALOG_ITEMS} items (got ${value.length})` }];
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({
        path: `catalog[${i}]`,
        message: 'a catalog item is an object {id, name, description?, url?, tags?}',
      });
      return;
    }
    const item = raw as Record<string, unknown>;
    const id = typeof item.id === 'string' && CATALOG_ITEM_ID.test(item.id) ? item.id : null;
    const at = id ? `catalog.${id}` : `catalog[${i}]`;
    const add = (field: string, message: string) =>
      problems.push({ path: `${at}${field}`, message: `catalog item ${id ? `"${id}"` : `[${i}]`}: ${message}` });
    if (!id) add('.id', `id must match ${CATALOG_ITEM_ID.source}`);
    else if (seen.has(id)) add('.id', 'duplicate id');
    if (id) seen.add(id);
    for (const key of Object.keys(item)) if (!KEYS.has(key)) add('', `unknown field "${key}"`);
    if (typeof item.name !== 'string' || !item.name.trim() || item.name.length > MAX_NAME)
      add('.name', `name must be a non-empty string of at most ${MAX_NAME} characters`);
    if (
      item.description !== undefined &&
      (typeof item.description !== 'string' || item.description.length > MAX_DESCRIPTION)
    )
      add('.description', `description must be a string of at most ${MAX_DESCRIPTION} characters`);
    if (item.url !== undefined && !isHttpUrl(item.url)) add('.url', 'url must be an http(s) URL');
    if (
      item.tags !== undefined &&
      (!Array.isArray(item.tags) ||
        item.tags.length > MAX_TAGS ||
        item.tags.some((t) => typeof t !== 'string' || !CATALOG_TAG.test(t)))
    )
      add('.tags', `tags must be an array of at most ${MAX_TAGS} tags matching ${CATALOG_TAG.source}`);
  });
  return problems;
}

/** The items of a stored catalog (validated on save; anything else read back is skipped, never trusted). */
export function catalogOf(stored: unknown): CatalogItem[] {
  return Array.isArray(stored)
    ? stored.filter((i): i is CatalogItem => !!i && typeof i === 'object' && typeof (i as CatalogItem).id === 'string')
    : [];
}
