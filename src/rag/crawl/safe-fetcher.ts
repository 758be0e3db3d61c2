import { gunzipSync } from 'node:zlib';

import { Agent, fetch } from 'undici';

import { AppError } from 'src/common/errors/app-error';
import { ForbiddenAddressError, publicOnlyLookup } from 'src/common/net/address-guard';
import { assertPublicUrl } from 'src/rag/crawl/address-guard';
import { SiteCrawlerErrors } from 'src/rag/crawl/site-crawler.errors';

export interface FetcherOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  allowPrivate: boolean;
}

export interface FetchedResource {
  /** Where the content came from after redirects. */
  url: string;
  status: number;
  contentType: string;
  charset: string | undefined;
  body: Buffer;
}

/** A non-fatal fetch failure: the crawler skips the resource and remembers the reason. */
export class FetchSkipped extends Error {
  constructor(
    readonly url: string,
    reason: string,
    readonly status?: number,
  ) {
    super(reason);
    this.name = 'FetchSkipped';
  }
}

const MAX_REDIRECTS = 5;

/** The abort signal, undici's connect/headers/body timers and socket errors all surface differently. */
function describeFailure(cause: unknown): string {
  const { name = '', code = '' } = (cause ?? {}) as { name?: string; code?: string };
  if (/timeout/i.test(name) || /TIMEOUT/.test(code)) return 'timed out';
  return code ? `connection failed (${code})` : 'connection failed';
}

/**
 * Fetch for untrusted URLs: redirects followed by hand (each hop re-checked against the address policy), a timeout per
 * request, a cap on the bytes read, and a connection-level DNS guard that refuses non-public addresses.
 */
export class SafeFetcher {
  private readonly agent: Agent;

  constructor(private readonly options: FetcherOptions) {
    this.agent = new Agent({
      connect: options.allowPrivate
        ? { timeout: options.timeoutMs }
        : { timeout: options.timeoutMs, lookup: publicOnlyLookup },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 4,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** `accept` filters content types (prefix match); redirects may change host only when `allowHost` says so. */
  async get(rawUrl: string, accept: string[], allowHost: (url: URL) => boolean = () => true): Promise<FetchedResource> {
    let url = new URL(rawUrl);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (!this.options.allowPrivate) await assertPublicUrl(url);
      const res = await this.request(url);
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        const next = new URL(res.headers.get('location') as string, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw new FetchSkipped(url.href, `redirect to ${next.protocol}`);
        if (!allowHost(next)) throw new FetchSkipped(url.href, `redirect off site to ${next.host}`);
        url = next;
        continue;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new FetchSkipped(url.href, `HTTP ${res.status}`, res.status);
      }
      const [type, ...params] = (res.headers.get('content-type') ?? '').split(';').map((s) => s.trim());
      const contentType = type.toLowerCase();
      if (!accept.some((a) => contentType.startsWith(a))) {
        await res.body?.cancel();
        throw new FetchSkipped(url.href, `content type ${contentType || 'missing'}`);
      }
      const charset = params
        .find((p) => p.toLowerCase().startsWith('charset='))
        ?.slice(8)
        .replace(/"/g, '');
      const body = await this.readCapped(res, url.href);
      return { url: url.href, status: res.status, contentType, charset, body: this.gunzipIfNeeded(body, url.href) };
    }
    throw new FetchSkipped(rawUrl, `more than ${MAX_REDIRECTS} redirects`);
  }

  private async request(url: URL) {
    try {
      return await fetch(url, {
        dispatcher: this.agent,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'user-agent': this.options.userAgent,
          accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5',
        },
      });
    } catch (err) {
      const cause = err instanceof Error ? (err.cause ?? err) : err;
      if (cause instanceof ForbiddenAddressError) throw SiteCrawlerErrors.forbiddenAddress(url.href, cause.address);
      if (cause instanceof AppError) throw cause;
      throw new FetchSkipped(url.href, describeFailure(cause));
    }
  }

  private async readCapped(res: Awaited<ReturnType<typeof fetch>>, url: string): Promise<Buffer> {
    const declared = Number(res.headers.get('content-length'));
    if (declared > this.options.maxBytes) {
      await res.body?.cancel();
      throw new FetchSkipped(url, `larger than ${this.options.maxBytes} bytes`);
    }
    if (!res.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of res.body) {
        total += chunk.length;
        if (total > this.options.maxBytes) {
          await res.body.cancel().catch(() => undefined);
          throw new FetchSkipped(url, `larger than ${this.options.maxBytes} bytes`);
        }
        chunks.push(Buffer.from(chunk));
      }
    } catch (err) {
      if (err instanceof FetchSkipped) throw err;
      throw new FetchSkipped(url, 'body could not be read');
    }
    return Buffer.concat(chunks);
  }

  /** Sitemaps are often served as .xml.gz files (not Content-Encoding), which fetch leaves compressed. */
  private gunzipIfNeeded(body: Buffer, url: string): Buffer {
    if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) return body;
    try {
      return gunzipSync(body, { maxOutputLength: this.options.maxBytes });
    } catch {
      throw new FetchSkipped(url, 'invalid or oversized gzip body');
    }
  }
}
