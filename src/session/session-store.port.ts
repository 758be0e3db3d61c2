import type { SessionState } from 'src/conversation/session-state';

/**
 * Short-lived conversation state, shared by chat and voice (voice uses the Twilio CallSid as session id).
 * Redis when configured, in-process otherwise. Keys are always scoped by tenant.
 */
export abstract class SessionStore {
  abstract get(businessId: string, sessionId: string): Promise<SessionState | null>;
  /** Writes the state and refreshes its TTL. Inside `withLock`, a section saves its session through the lock. */
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

/**
 * The locked session, handed to the section explicitly. It used to be found through an AsyncLocalStorage, and on
 * Node 20 every such store adds work to every promise the process creates, whichever request it belongs to.
 */
export interface HeldLock {
  /**
   * True when another holder had the lock at the first attempt. What was read before the lock was then possibly
   * read before that holder's writes; when false, no turn of the session ran between the request and the lock.
   */
  waited: boolean;
  /** The session as the section last saved it, else as it stood when the lock was taken (null: none). */
  load(): Promise<SessionState | null>;
  /**
   * The section's state (TTL refreshed), written by the time the lock is released: on Redis in the release's round
   * trip. It is durable once `withLock` resolves, even if the section then throws.
   */
  save(state: SessionState): Promise<void>;
}

export const sessionKey = (businessId: string, sessionId: string) => `chat:${businessId}:${sessionId}`;
export const sessionLockKey = (businessId: string, sessionId: string) => `chat-lock:${businessId}:${sessionId}`;
