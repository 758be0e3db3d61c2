import { Global, Module } from '@nestjs/common';

import { AdminApiKeyGuard } from 'src/common/auth/admin-api-key.guard';
import { AdminKeyProvider } from 'src/common/auth/admin-key.provider';
import { DrainState } from 'src/common/lifecycle/drain-state';

@Global()
@Module({
  providers: [AdminKeyProvider, AdminApiKeyGuard, DrainState],
  exports: [AdminKeyProvider, AdminApiKeyGuard, DrainState],
})
export class CommonModule {}
