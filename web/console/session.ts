/**
 * The admin key lives in sessionStorage only (gone when the tab closes, never shared with other tabs, never in a
 * URL). A storage that refuses (private mode, disabled storage) leaves it in memory for this page only.
 */
const STORAGE_KEY = 'concierge.console.adminKey';
let memory: string | null = null;

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? memory;
  } catch {
    return memory;
  }
}

export function storeKey(key: string | null): void {
  memory = key;
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // memory only
  }
}
