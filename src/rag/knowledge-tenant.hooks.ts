import { Injectable, OnModuleInit } from '@nestjs/common';

import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';

/** Rows go with the tenant through ON DELETE CASCADE; index files and other instances' caches are cleared here. */
@Injectable()
export class KnowledgeTenantHooks implements OnModuleInit {
  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly index: KnowledgeIndexService,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onDelete('knowledge-base', {
      afterCommit: async (businessId) => {
        await this.index.drop(businessId);
        await this.index.announce(businessId, null);
      },
    });
  }
}
