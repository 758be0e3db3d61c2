import { Module } from '@nestjs/common';
import { CryptoModule } from 'src/common/crypto/crypto.module';

@Module({
  imports: [CryptoModule],
  exports: [CryptoModule],
})
export class CrmModule {}
