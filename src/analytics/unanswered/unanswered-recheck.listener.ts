import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { UnansweredService } from 'src/analytics/unanswered/unanswered.service';
import { AppRole } from 'src/config/app-role';
import { KB_VERSION_CHANNEL } from 'src/rag/knowledge-version.types';
import { KeyValueStore } from 'src/redis/key-value-store.port';
import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';

/** A notice is acted on once across workers; the claim outlives any recheck. */
const CLAIM_TTL_SECONDS = 3600;

/**
 * Rechecks a business's open unanswered-question clusters whenever its knowledge base changes version (an upload,
 * a crawl, a deletion, an activation), so a cluster the change answers shows resolved without anyone asking. Every
 * instance hears the notice; on worker roles one of them (the first to claim the version) runs the recheck.
 */
@Injectable()
export class UnansweredRecheckListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UnansweredRecheck');
  private unsubscribe?: Unsubscribe;
  private running = Promise.resolve();

  constructor(
    private readonly pubsub: PubSub,
    private readonly claims: KeyValueStore,
    private readonly role: AppRole,
    private readonly unanswered: UnansweredService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.role.runsLoop('unanswered-question recheck on knowledge changes')) return;
    this.unsubscribe = await this.pubsub.subscribe(KB_VERSION_CHANNEL, (raw) => {
      // One at a time: a burst of uploads queues its rechecks instead of running them side by side.
      this.running = this.running.then(() => this.onNotice(raw));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.();
    await this.running;
  }

  private async onNotice(raw: string): Promise<void> {
    let notice: { businessId?: unknown; version?: unknown };
    try {
      notice = JSON.parse(raw) as typeof notice;
    } catch {
      return;
    }
    const { businessId, version } = notice;
    if (typeof businessId !== 'string' || typeof version !== 'number') return;
    const claim = `unanswered-recheck:${businessId}:${version}`;
    if (!(await this.claims.setIfAbsent(claim, '1', CLAIM_TTL_SECONDS).catch(() => false))) return;
    try {
      await this.unanswered.recheck(businessId, {});
    } catch (err) {
      // The explicit recheck endpoint remains; a failed automatic one only waits for the next change or a click.
      this.logger.warn({ businessId, version, err: (err as Error).message }, 'automatic recheck failed');
    }
  }
}
