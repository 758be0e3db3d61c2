import { Injectable, OnApplicationShutdown } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import type { EmbeddedPostgresMode, EmbeddedPostgresServer } from 'src/database/embedded-postgres';
import { loadEmbeddedPostgres } from 'src/database/embedded-postgres.loader';

/** How this process uses the embedded server (see EmbeddedPostgresMode); the DI token is the class itself. */
export class EmbeddedPostgresOptions {
  constructor(readonly mode: EmbeddedPostgresMode) {}
}

/** Resolves the connection URL: DATABASE_URL when set, else a real embedded server started on demand. */
@Injectable()
export class DatabaseUrlProvider implements OnApplicationShutdown {
  private embedded?: EmbeddedPostgresServer;
  private url?: Promise<string>;

  constructor(
    private readonly config: AppConfig,
    private readonly options: EmbeddedPostgresOptions,
  ) {}

  resolve(): Promise<string> {
    const configured = this.config.get('DATABASE_URL');
    if (configured) return Promise.resolve(configured);
    this.url ??= this.startEmbedded();
    return this.url;
  }

  private async startEmbedded(): Promise<string> {
    const { EmbeddedPostgresServer } = await loadEmbeddedPostgres();
    this.embedded = new EmbeddedPostgresServer(
      this.config.get('DATA_DIR'),
      this.config.get('EMBEDDED_PG_PORT'),
      this.options.mode,
    );
    return this.embedded.start();
  }

  get isEmbedded(): boolean {
    return !this.config.get('DATABASE_URL');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}
