/** The visitor's session for one tenant: the id and the token that lets this browser (only) continue it. */
export interface StoredSession {
  id: string;
  token: string;
}

// Per tenant, so a page embedding two tenants' widgets keeps two conversations.
const keyOf = (businessId: string) => `concierge.session.${businessId}`;

export function loadSession(storage: Storage | null, businessId: string): StoredSession | null {
  try {
    const s = JSON.parse(storage?.getItem(keyOf(businessId)) ?? 'null') as Partial<StoredSession> | null;
    return s && typeof s.id === 'string' && typeof s.token === 'string' ? { id: s.id, token: s.token } : null;
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage | null, businessId: string, session: StoredSession | null): void {
  try {
    if (session) storage?.setItem(keyOf(businessId), JSON.stringify(session));
    else storage?.removeItem(keyOf(businessId));
  } catch {
    // Storage disabled or full (private mode): the conversation lasts as long as the page.
  }
}

/** localStorage throws on access in some privacy modes and sandboxed frames. */
export function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
