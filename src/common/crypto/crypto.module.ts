import { Global, Module } from '@nestjs/common';

import { SecretCipher } from 'src/common/crypto/secret-cipher';

/** Global so any module storing tenant secrets (CRM, voice/Twilio) injects the same SecretCipher. */
@Global()
@Module({
  providers: [SecretCipher],
  exports: [SecretCipher],
})
export class CryptoModule {}
