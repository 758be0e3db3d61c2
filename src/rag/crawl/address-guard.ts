import dns from 'node:dns';
import ipaddr from 'ipaddr.js';
import { hostOf, isPublicAddress } from 'src/common/net/address-guard';
import { SiteCrawlerErrors } from 'src/rag/crawl/site-crawler.errors';

/**
 * Checked before each request (so the error names the URL). The connection itself is also guarded by
 * `publicOnlyLookup`, which closes the DNS-rebinding gap between this check and the connect.
 */
export async function assertPublicUrl(url: URL): Promise<void> {
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    if (!isPublicAddress(host)) throw SiteCrawlerErrors.forbiddenAddress(url.toString(), host);
    return;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw SiteCrawlerErrors.invalidUrl(url.toString(), `host "${host}" does not resolve`);
  }
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  if (bad) throw SiteCrawlerErrors.forbiddenAddress(url.toString(), bad.address);
}
