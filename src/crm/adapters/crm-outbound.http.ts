import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createPublicFetch, OutboundFetch, PublicFetch } from 'src/common/net/public-fetch';
import { AppConfig } from 'src/config/app-config.service';

/**
 * The HTTP client for CRM endpoints a tenant configures (webhook and Salesforce URLs): it refuses private,
 * loopback and link-local addresses unless CRM_ALLOW_PRIVATE_URLS (tests with local fakes). One connection pool
 * for all tenants; it holds no credentials.
 */
@Injectable()
export class CrmOutboundHttp implements OnApplicationShutdown {
  private readonly client: PublicFetch;

  constructor(config: AppConfig) {
    this.client = createPublicFetch({ allowPrivate: config.get('CRM_ALLOW_PRIVATE_URLS') });
  }

  get fetch(): OutboundFetch {
    return this.client.fetch;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
