import type { SessionState } from 'src/conversation/session-state';

/**
 * Short-lived conversation state, shared by chat and voice (voice uses the Twilio CallSid as session id).
 * Redis when configured, in-process otherwise. Keys are always scoped by tenant.
 */
export abstract class SessionStore {
  abstract get(businessId: string, sessionId: string): Promise<SessionState | null>;
  /**
   * Writes the state and refreshes its TTL. Inside `withLock` for the same session the write may be deferred to the
   * lock's release; it is durable by the time `withLock` resolves, even if the locked section then throws.
   */
  abstract save(state: SessionState): Promise<void>;
  /** True when a session existed. */
  abstract delete(businessId: string, sessionId: string): Promise<boolean>;
  /** Tenant deletion: drops every session of the tenant. Returns how many were removed. */
  abstract deleteAllForTenant(businessId: string): Promise<number>;
  /**
   * Runs `fn` while holding a short per-session lock, so two turns on one session run one after the other
   * and neither overwrites the other's state.
   */
  abstract withLock<T>(businessId: string, sessionId: string, fn: () => Promise<T>): Promise<T>;
}

export const sessionKey = (businessId: string, sessionId: string) => `chat:${businessId}:${sessionId}`;
export const sessionLockKey = (businessId: string, sessionId: string) => `chat-lock:${businessId}:${sessionId}`;
