import { EventEmitter } from 'node:events';

import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';

export class LocalPubSub extends PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, message: string): Promise<void> {
    // Deliver asynchronously, as Redis would, so publishers never run subscribers inside their own transaction.
    setImmediate(() => this.emitter.emit(channel, message));
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    this.emitter.on(channel, handler);
    return Promise.resolve(() => {
      this.emitter.off(channel, handler);
      return Promise.resolve();
    });
  }
}
