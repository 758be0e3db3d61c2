import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { constantTimeEquals } from 'src/common/auth/constant-time';
import { readOrCreateSecretFile } from 'src/common/crypto/generated-secret';
import { AppConfig } from 'src/config/app-config.service';

export const GENERATED_SESSION_TOKEN_SECRET_FILE = 'session-token-secret';
const VERSION = 'v1';

/**
 * Bearer tokens that let a visitor continue their own chat session: an HMAC of tenant and session id under
 * SESSION_TOKEN_SECRET. Stateless, so any instance sharing the secret verifies any other's tokens and nothing is
 * stored; a token copied to another tenant or session does not verify. Rotating the secret invalidates them all.
 */
@Injectable()
export class SessionTokens {
  private readonly logger = new Logger('SessionTokens');
  /** A key object rather than the string: the HMAC does not import the secret again on every turn. */
  private readonly key: KeyObject;

  constructor(config: AppConfig) {
    const secret = config.get('SESSION_TOKEN_SECRET') ?? this.generatedSecret(config.get('DATA_DIR'));
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(businessId: string, sessionId: string): string {
    // Neither id can contain '|' (both are validated), so the MAC input is unambiguous.
    const mac = createHmac('sha256', this.key).update(`session-token|${VERSION}|${businessId}|${sessionId}`);
    return `${VERSION}.${mac.digest('base64url')}`;
  }

  verify(businessId: string, sessionId: string, token: string): boolean {
    return this.matches(token, this.issue(businessId, sessionId));
  }

  /** For a caller that has just issued the session's token anyway: one HMAC per turn instead of two. */
  matches(token: string, issued: string): boolean {
    return constantTimeEquals(token, issued);
  }

  private generatedSecret(dataDir: string): string {
    // Production never gets here: env validation requires SESSION_TOKEN_SECRET there.
    const { value, file, created } = readOrCreateSecretFile(dataDir, GENERATED_SESSION_TOKEN_SECRET_FILE);
    if (created)
      this.logger.warn({ file }, 'SESSION_TOKEN_SECRET is not set: generated one in this file (mode 0600); back it up');
    return value;
  }
}
