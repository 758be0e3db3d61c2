import type { CapturedFields } from 'src/conversation/captured-fields';
import type { LlmTurn } from 'src/conversation/conversation-turn';
import type { TenantConfig } from 'src/tenant/tenant-config';

export interface HandoffRequest {
  business: TenantConfig;
  sessionId: string;
  channel: 'chat' | 'voice';
  reason: string;
  captured: CapturedFields;
  /** The conversation so far (the model's history window) with the message that triggered the hand-off. */
  history: readonly LlmTurn[];
}

/**
 * What a conversation turn needs of hand-off: whether its session is with a person, and starting a hand-off.
 * HandoffService (the durable row and the webhook) in production; a simulation supplies one that only remembers.
 */
export abstract class HandoffGate {
  abstract isHandedOff(businessId: string, sessionId: string): Promise<boolean>;
  /**
   * The answer when it is known without reading the durable record, else null; writes nothing, so a caller may ask
   * before it holds the session's lock (isHandedOff may store what it read, which only a lock holder may do).
   */
  abstract knownHandedOff(businessId: string, sessionId: string): Promise<boolean | null>;
  /** Opens the hand-off; a session already handed off is left as it is. */
  abstract start(req: HandoffRequest): Promise<void>;
}
