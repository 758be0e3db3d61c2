import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';

export const ADMIN_KEY_FILE = 'admin-api-key';

/**
 * The admin key: ADMIN_API_KEY when set; otherwise (never in production, which config validation enforces)
 * a key generated on first start and kept under DATA_DIR with mode 0600. Its location is printed once, not the key.
 */
@Injectable()
export class AdminKeyProvider implements OnModuleInit {
  private readonly logger = new Logger('AdminKey');
  private key!: string;

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    const configured = this.config.get('ADMIN_API_KEY');
    if (configured) {
      this.key = configured;
      return;
    }
    const dir = resolve(this.config.get('DATA_DIR'));
    const file = join(dir, ADMIN_KEY_FILE);
    if (existsSync(file)) {
      this.key = readFileSync(file, 'utf8').trim();
      return;
    }
    mkdirSync(dir, { recursive: true });
    this.key = randomBytes(32).toString('base64url');
    writeFileSync(file, `${this.key}\n`, { mode: 0o600, flag: 'wx' });
    this.logger.warn(
      { file },
      'ADMIN_API_KEY is not set: generated an admin key and stored it in this file (mode 0600)',
    );
  }

  get value(): string {
    return this.key;
  }
}
