import type http from 'node:http';

import { Injectable, OnApplicationShutdown } from '@nestjs/common';

import type { ForbiddenAddressError } from 'src/common/net/address-guard';
import { allowsPrivateOutbound } from 'src/common/net/outbound-policy';
import { createPublicFetch, forbiddenLiteral, OutboundFetch, PublicFetch } from 'src/common/net/public-fetch';
import { AppConfig } from 'src/config/app-config.service';

/**
 * The HTTP client for CRM endpoints a tenant configures (webhook and Salesforce URLs, a HubSpot API base URL): it
 * refuses private, loopback and link-local addresses unless OUTBOUND_ALLOW_PRIVATE_URLS (tests with local fakes). One
 * connection pool for all tenants; it holds no credentials.
 */
@Injectable()
export class CrmOutboundHttp implements OnApplicationShutdown {
  private readonly client: PublicFetch;
  private readonly allowPrivate: boolean;

  constructor(config: AppConfig) {
    this.allowPrivate = allowsPrivateOutbound(config);
    this.client = createPublicFetch({ allowPrivate: this.allowPrivate });
  }

  get fetch(): OutboundFetch {
    return this.client.fetch;
  }

  /** For SDKs that make their own requests through a Node agent: the guarded agent, or why `url` is refused. */
  nodeAccess(url: string): { agent?: http.Agent; refused?: ForbiddenAddressError } {
    if (this.allowPrivate) return {};
    return { agent: this.client.agentFor(url), refused: forbiddenLiteral(url) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
