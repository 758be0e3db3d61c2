import { Global, Module } from '@nestjs/common';

import { AdminApiKeyGuard } from 'src/common/auth/admin-api-key.guard';
import { AdminKeyProvider } from 'src/common/auth/admin-key.provider';

@Global()
@Module({
  providers: [AdminKeyProvider, AdminApiKeyGuard],
  exports: [AdminKeyProvider, AdminApiKeyGuard],
})
export class CommonModule {}
