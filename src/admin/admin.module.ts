import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { BusinessAdminController } from 'src/admin/business-admin.controller';
import { LegacyKeysMiddleware } from 'src/admin/legacy-keys.middleware';
import { TenantModule } from 'src/tenant/tenant.module';

@Module({
  imports: [TenantModule],
  controllers: [BusinessAdminController],
})
export class AdminModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(LegacyKeysMiddleware).forRoutes({ path: 'admin/business', method: RequestMethod.POST });
  }
}
