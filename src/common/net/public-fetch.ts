import ipaddr from 'ipaddr.js';
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import { ForbiddenAddressError, hostOf, isPublicAddress, publicOnlyLookup } from 'src/common/net/address-guard';

export type OutboundFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface PublicFetch {
  fetch: OutboundFetch;
  close(): Promise<void>;
}

/**
 * fetch for URLs a tenant configured (CRM endpoints): unless `allowPrivate` (local fakes in tests), a literal
 * non-public address is refused before the request and a hostname is checked at connect time, so DNS rebinding
 * cannot reach the internal network or cloud metadata. Refusals reject with ForbiddenAddressError (possibly as
 * the `cause` of fetch's TypeError; see `forbiddenAddressOf`).
 */
export function createPublicFetch({ allowPrivate }: { allowPrivate: boolean }): PublicFetch {
  if (allowPrivate) return { fetch: (url, init) => fetch(url, init), close: () => Promise.resolve() };
  const agent = new Agent({ connect: { lookup: publicOnlyLookup } });
  return {
    fetch: (url, init) => {
      const host = hostOf(new URL(url));
      // Sockets skip the DNS lookup for literal addresses, so those are checked here.
      if (ipaddr.isValid(host) && !isPublicAddress(host)) return Promise.reject(new ForbiddenAddressError(host, host));
      return fetch(url, { ...init, dispatcher: agent });
    },
    close: () => agent.close(),
  };
}

/** The address refusal behind a failed fetch, if that is why it failed. */
export function forbiddenAddressOf(err: unknown): ForbiddenAddressError | undefined {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ForbiddenAddressError) return e;
  }
  return undefined;
}
