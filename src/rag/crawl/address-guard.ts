import { ForbiddenAddressError, hostOf, nonPublicAddressOf } from 'src/common/net/address-guard';
import { SiteCrawlerErrors } from 'src/rag/crawl/site-crawler.errors';

/** The shared address check (src/common/net), answered in the crawler's own errors, which name the URL. */
export async function assertPublicUrl(url: URL): Promise<void> {
  let refused: ForbiddenAddressError | undefined;
  try {
    refused = await nonPublicAddressOf(url);
  } catch {
    throw SiteCrawlerErrors.invalidUrl(url.toString(), `host "${hostOf(url)}" does not resolve`);
  }
  if (refused) throw SiteCrawlerErrors.forbiddenAddress(url.toString(), refused.address);
}
