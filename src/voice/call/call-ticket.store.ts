import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { constantTimeEquals } from 'src/common/auth/constant-time';
import { KeyValueStore } from 'src/redis/key-value-store.port';

/**
 * How a call's media stream ended, so the TwiML that follows it can say goodbye, apologise, or pass the call to a
 * person (`handoff`: say the hand-off line, then dial the tenant's transfer number or hang up).
 */
export type CallOutcome = 'completed' | 'failed' | 'time_limit' | 'handoff';

/** A ticket lives from the webhook answer until Twilio opens the stream; Twilio does that within seconds. */
const TICKET_TTL_SECONDS = 120;
const OUTCOME_TTL_SECONDS = 300;

const ticketKey = (businessId: string, callSid: string) => `voice-ticket:${businessId}:${callSid}`;
const outcomeKey = (businessId: string, callSid: string) => `voice-outcome:${businessId}:${callSid}`;

/**
 * One-time tickets binding a CallSid to the tenant whose signed webhook we answered. The stream's upgrade signature
 * covers only the fixed wss:// URL, so it is the same for every call of a tenant; the ticket (a random secret sent
 * to Twilio as a <Stream> parameter and echoed in `start`) makes a replayed handshake useless. Kept in the
 * KeyValueStore: the webhook and the stream may hit different instances.
 */
@Injectable()
export class CallTicketStore {
  constructor(private readonly store: KeyValueStore) {}

  /** Returns the secret the stream must present. */
  async issue(businessId: string, callSid: string): Promise<string> {
    const secret = randomBytes(18).toString('base64url');
    await this.store.set(ticketKey(businessId, callSid), secret, TICKET_TTL_SECONDS);
    return secret;
  }

  /** True once per issued ticket, and only with its secret. */
  async consume(businessId: string, callSid: string, secret: string): Promise<boolean> {
    const stored = await this.store.take(ticketKey(businessId, callSid));
    return stored !== null && constantTimeEquals(stored, secret);
  }

  recordOutcome(businessId: string, callSid: string, outcome: CallOutcome): Promise<void> {
    return this.store.set(outcomeKey(businessId, callSid), outcome, OUTCOME_TTL_SECONDS);
  }

  async takeOutcome(businessId: string, callSid: string): Promise<CallOutcome | null> {
    return (await this.store.take(outcomeKey(businessId, callSid))) as CallOutcome | null;
  }
}
