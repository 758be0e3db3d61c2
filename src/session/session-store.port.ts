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
   * and neither overwrites the other's state. The lock is requested before `withLock` returns: on Redis, a command
   * sent on the shared connection right after the call runs after the lock is taken (when `waited` is false).
   */
  abstract withLock<T>(businessId: string, sessionId: string, fn: (lock: HeldLock) => Promise<T>): Promise<T>;
}

export interface HeldLock {
  /**
   * True when another holder had the lock at the first attempt. What was read before the lock was then possibly
   * read before that holder's writes; when false, no turn of the session ran between the request and the lock.
   */
  waited: boolean;
}

export const sessionKey = (businessId: string, sessionId: string) => `chat:${businessId}:${sessionId}`;
export const sessionLockKey = (businessId: string, sessionId: string) => `chat-lock:${businessId}:${sessionId}`;
