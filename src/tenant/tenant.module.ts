import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BusinessRepository } from 'src/tenant/business.repository';
import { BusinessEntity } from 'src/tenant/entities/business.entity';
import { TenantConfigCache } from 'src/tenant/tenant-config.cache';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';
import { TenantOriginGuard } from 'src/tenant/tenant-origin.guard';
import { TenantOriginsRegistry } from 'src/tenant/tenant-origins.registry';
import { TenantController } from 'src/tenant/tenant.controller';
import { TenantService } from 'src/tenant/tenant.service';

@Module({
  imports: [TypeOrmModule.forFeature([BusinessEntity])],
  controllers: [TenantController],
  providers: [
    BusinessRepository,
    TenantConfigCache,
    TenantLifecycle,
    TenantService,
    TenantOriginsRegistry,
    TenantOriginGuard,
  ],
  exports: [TenantService, TenantLifecycle, TenantConfigCache, TenantOriginsRegistry, TenantOriginGuard],
})
export class TenantModule {}
