import { Injectable, Logger, OnModuleInit } from '@nestjs/common';

import { SessionStore } from 'src/session/session-store.port';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';

/** Conversations, messages and events cascade with the tenant row; the session keys outside Postgres do not. */
@Injectable()
export class SessionTenantCleanup implements OnModuleInit {
  private readonly logger = new Logger('SessionTenantCleanup');

  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly store: SessionStore,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onDelete('sessions', {
      afterCommit: async (businessId) => {
        const removed = await this.store.deleteAllForTenant(businessId);
        this.logger.log({ businessId, removed }, 'tenant sessions removed');
      },
    });
  }
}
