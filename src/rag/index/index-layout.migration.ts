import { Injectable, Logger, OnModuleInit } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import { migrateLegacyIndexLayout } from 'src/rag/index/legacy-index-layout';
import { TenantErrorCode } from 'src/tenant/tenant.errors';
import { TenantService } from 'src/tenant/tenant.service';

/**
 * On start, before any search opens an index: index folders of the old layout move under DATA_DIR/indexes/. A
 * folder left behind costs nothing but a rebuild from Postgres, so a failure is logged and start-up goes on.
 */
@Injectable()
export class IndexLayoutMigration implements OnModuleInit {
  private readonly logger = new Logger('IndexLayoutMigration');

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantService,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      const { moved, skipped } = await migrateLegacyIndexLayout(this.config.get('DATA_DIR'), (id) => this.exists(id));
      if (moved.length || skipped.length) {
        this.logger.log({ event: 'index_layout_migrated', moved: moved.length, skipped });
      }
    } catch (err) {
      this.logger.warn({ event: 'index_layout_migration_failed', err: (err as Error).message });
    }
  }

  private async exists(businessId: string): Promise<boolean> {
    try {
      await this.tenants.get(businessId);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === TenantErrorCode.NOT_FOUND) return false;
      throw err;
    }
  }
}
