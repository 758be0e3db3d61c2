import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { constantTimeEquals } from 'src/common/auth/constant-time';
import type Redis from 'ioredis';
import { RedisConnection } from 'src/redis/redis-connection';

/** How a call's media stream ended, so the TwiML that follows it can say goodbye or apologise. */
export type CallOutcome = 'completed' | 'failed' | 'time_limit';

/** A ticket lives from the webhook answer until Twilio opens the stream; Twilio does that within seconds. */
const TICKET_TTL_SECONDS = 120;
const OUTCOME_TTL_SECONDS = 300;

const ticketKey = (businessId: string, callSid: string) => `voice-ticket:${businessId}:${callSid}`;
const outcomeKey = (businessId: string, callSid: string) => `voice-outcome:${businessId}:${callSid}`;

/**
 * One-time tickets binding a CallSid to the tenant whose signed webhook we answered. The stream's upgrade signature
 * covers only the fixed wss:// URL, so it is the same for every call of a tenant; the ticket (a random secret sent
 * to Twilio as a <Stream> parameter and echoed in `start`) makes a replayed handshake useless. Redis when configured
 * (the webhook and the stream may hit different instances).
 */
@Injectable()
export class CallTicketStore implements OnModuleDestroy {
  private readonly local = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  private readonly redis: Redis | null;

  constructor(connection: RedisConnection) {
    this.redis = connection.client;
    this.sweeper = setInterval(() => this.sweep(), 30_000).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Returns the secret the stream must present. */
  async issue(businessId: string, callSid: string): Promise<string> {
    const secret = randomBytes(18).toString('base64url');
    await this.set(ticketKey(businessId, callSid), secret, TICKET_TTL_SECONDS);
    return secret;
  }

  /** True once per issued ticket, and only with its secret. */
  async consume(businessId: string, callSid: string, secret: string): Promise<boolean> {
    const stored = await this.take(ticketKey(businessId, callSid));
    return stored !== null && constantTimeEquals(stored, secret);
  }

  recordOutcome(businessId: string, callSid: string, outcome: CallOutcome): Promise<void> {
    return this.set(outcomeKey(businessId, callSid), outcome, OUTCOME_TTL_SECONDS);
  }

  async takeOutcome(businessId: string, callSid: string): Promise<CallOutcome | null> {
    return (await this.take(outcomeKey(businessId, callSid))) as CallOutcome | null;
  }

  private async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (this.redis) {
      await this.redis.set(key, value, 'EX', ttlSeconds);
      return;
    }
    this.local.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  private async take(key: string): Promise<string | null> {
    if (this.redis) return this.redis.getdel(key);
    const hit = this.local.get(key);
    this.local.delete(key);
    return hit && hit.expiresAt > Date.now() ? hit.value : null;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.local) if (v.expiresAt <= now) this.local.delete(k);
  }
}
