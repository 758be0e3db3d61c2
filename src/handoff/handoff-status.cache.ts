import { Injectable } from '@nestjs/common';

import { KeyValueStore } from 'src/redis/key-value-store.port';

const OPEN = 'open';
const NONE = 'none';
/** Bounds the keys of idle sessions and how long a change made outside the app (plain SQL) could go unseen. */
const TTL_SECONDS = 3600;

/**
 * Whether a session is with a person, as every chat turn asks: a KeyValueStore (Redis) entry in front of the durable
 * `handoffs` rows, so a turn costs one Redis GET instead of a Postgres query. Postgres stays the truth: a missing
 * entry (never read, expired, evicted, Redis flushed) is read from it and filled.
 *
 * Why a stale entry cannot win: a fill from Postgres only stores where no entry is (SET NX). Opening deletes the
 * entry before its Postgres insert (under the session's lock, the only place a hand-off opens, so no turn of that
 * session fills it meanwhile), and the next turn reads the open row. A release writes `none` after its Postgres update,
 * over whatever a concurrent fill read before the update stored.
 */
@Injectable()
export class HandoffStatusCache {
  constructor(private readonly store: KeyValueStore) {}

  async isOpen(businessId: string, sessionId: string, readDurable: () => Promise<boolean>): Promise<boolean> {
    const known = await this.peek(businessId, sessionId);
    if (known !== null) return known;
    const open = await readDurable();
    await this.store.setIfAbsent(keyOf(businessId, sessionId), open ? OPEN : NONE, TTL_SECONDS);
    return open;
  }

  /**
   * The stored answer, or null when only Postgres knows. Never fills the entry, so it is safe outside the session's
   * lock, where a fill could store the state from before a hand-off that is opening.
   */
  async peek(businessId: string, sessionId: string): Promise<boolean | null> {
    const known = await this.store.get(keyOf(businessId, sessionId));
    return known === OPEN ? true : known === NONE ? false : null;
  }

  /** Drops the entry, so the next turn reads Postgres: before a hand-off opens. Always safe. */
  async forget(businessId: string, sessionId: string): Promise<void> {
    await this.store.take(keyOf(businessId, sessionId));
  }

  /** After Postgres has released the session's hand-off. */
  async released(businessId: string, sessionId: string): Promise<void> {
    await this.store.set(keyOf(businessId, sessionId), NONE, TTL_SECONDS);
  }
}

function keyOf(businessId: string, sessionId: string): string {
  return `handoff:${businessId}:${sessionId}`;
}
