import type { AppConfig } from 'src/config/app-config.service';

/**
 * The one decision for every outbound request to a URL a tenant or administrator supplied (site crawls, CRM APIs,
 * CRM webhooks, and any client added later): non-public addresses are refused unless OUTBOUND_ALLOW_PRIVATE_URLS,
 * which the env schema refuses when NODE_ENV=production. Clients ask here instead of keeping a switch of their own.
 */
export function allowsPrivateOutbound(config: Pick<AppConfig, 'get'>): boolean {
  return config.get('OUTBOUND_ALLOW_PRIVATE_URLS');
}
