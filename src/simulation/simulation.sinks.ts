import { HandoffGate, type HandoffRequest } from 'src/handoff/handoff-gate.port';
import { type Transcript, TranscriptStore, type TurnRecord } from 'src/session/transcript-store.port';

/**
 * The transcript of a simulated conversation: kept in memory, where the simulation reads each turn's trace from the
 * same record a live turn stores (the message's intent and sentiment, the reply's fired rules and flow position).
 * A simulated session has no durable past, so there is never anything to rebuild it from.
 */
export class InMemoryTranscript extends TranscriptStore {
  readonly turns: TurnRecord[] = [];

  get(): Promise<Transcript | null> {
    return Promise.resolve(null);
  }

  recordTurn(turn: TurnRecord): Promise<void> {
    this.turns.push(turn);
    return Promise.resolve();
  }
}

/**
 * Hand-offs of a simulated conversation: remembered for its later turns (which then get the hand-off note, as live),
 * never a row in `handoffs` and never a webhook.
 */
export class InMemoryHandoffs extends HandoffGate {
  private readonly open = new Map<string, string>();
  readonly started: string[] = [];

  isHandedOff(_businessId: string, sessionId: string): Promise<boolean> {
    return Promise.resolve(this.open.has(sessionId));
  }

  knownHandedOff(businessId: string, sessionId: string): Promise<boolean | null> {
    return this.isHandedOff(businessId, sessionId);
  }

  start(req: HandoffRequest): Promise<void> {
    if (!this.open.has(req.sessionId)) {
      this.open.set(req.sessionId, req.reason);
      this.started.push(req.reason);
    }
    return Promise.resolve();
  }
}
