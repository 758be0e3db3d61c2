import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { BusinessRepository } from 'src/tenant/business.repository';
import { BusinessAdminController } from 'src/tenant/business-admin.controller';
import { BusinessEntity } from 'src/tenant/entities/business.entity';
import { LegacyKeysMiddleware } from 'src/tenant/legacy-keys.middleware';
import { TenantController } from 'src/tenant/tenant.controller';
import { TenantService } from 'src/tenant/tenant.service';
import { TenantConfigCache } from 'src/tenant/tenant-config.cache';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';
import { TenantOriginGuard } from 'src/tenant/tenant-origin.guard';
import { TenantOriginsRegistry } from 'src/tenant/tenant-origins.registry';

@Module({
  imports: [TypeOrmModule.forFeature([BusinessEntity])],
  controllers: [TenantController, BusinessAdminController],
  providers: [
    BusinessRepository,
    TenantConfigCache,
    TenantLifecycle,
    TenantService,
    TenantOriginsRegistry,
    TenantOriginGuard,
  ],
  exports: [TenantService, TenantLifecycle, TenantOriginsRegistry, TenantOriginGuard],
})
export class TenantModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(LegacyKeysMiddleware).forRoutes({ path: 'admin/business', method: RequestMethod.POST });
  }
}
