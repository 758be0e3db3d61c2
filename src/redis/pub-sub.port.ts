export type Unsubscribe = () => Promise<void>;

/**
 * Fan-out of small change notices between instances (tenant config changed, knowledge-base version bumped).
 * Redis pub/sub in production; an in-process emitter for the embedded single-instance default.
 */
export abstract class PubSub {
  abstract publish(channel: string, message: string): Promise<void>;
  abstract subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
}
