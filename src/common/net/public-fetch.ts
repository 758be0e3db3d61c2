import http from 'node:http';
import https from 'node:https';

import ipaddr from 'ipaddr.js';
import { Agent, fetch, type RequestInit, type Response } from 'undici';

import { ForbiddenAddressError, hostOf, isPublicAddress, publicOnlyLookup } from 'src/common/net/address-guard';

export type OutboundFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface PublicFetch {
  fetch: OutboundFetch;
  /**
   * A Node agent with the same connect-time check, for SDKs that take an `http.Agent` (undefined when private
   * addresses are allowed: the SDK's default). Literal addresses skip the lookup: check them with `forbiddenLiteral`.
   */
  agentFor(url: string): http.Agent | undefined;
  close(): Promise<void>;
}

/**
 * fetch for URLs a tenant configured (CRM endpoints): unless `allowPrivate` (local fakes in tests), a literal
 * non-public address is refused before the request and a hostname is checked at connect time, so DNS rebinding
 * cannot reach the internal network or cloud metadata. Refusals reject with ForbiddenAddressError (possibly as
 * the `cause` of fetch's TypeError; see `forbiddenAddressOf`).
 */
export function createPublicFetch({ allowPrivate }: { allowPrivate: boolean }): PublicFetch {
  if (allowPrivate) {
    return { fetch: (url, init) => fetch(url, init), agentFor: () => undefined, close: () => Promise.resolve() };
  }
  const agent = new Agent({ connect: { lookup: publicOnlyLookup } });
  const nodeAgents = {
    http: new http.Agent({ keepAlive: true, lookup: publicOnlyLookup }),
    https: new https.Agent({ keepAlive: true, lookup: publicOnlyLookup }),
  };
  return {
    fetch: (url, init) => {
      const forbidden = forbiddenLiteral(url);
      return forbidden ? Promise.reject(forbidden) : fetch(url, { ...init, dispatcher: agent });
    },
    agentFor: (url) => (new URL(url).protocol === 'http:' ? nodeAgents.http : nodeAgents.https),
    close: async () => {
      nodeAgents.http.destroy();
      nodeAgents.https.destroy();
      await agent.close();
    },
  };
}

/** The refusal for a URL whose host is a literal non-public IP (sockets skip the DNS lookup for those). */
export function forbiddenLiteral(url: string): ForbiddenAddressError | undefined {
  const host = hostOf(new URL(url));
  return ipaddr.isValid(host) && !isPublicAddress(host) ? new ForbiddenAddressError(host, host) : undefined;
}

/** The address refusal behind a failed fetch, if that is why it failed. */
export function forbiddenAddressOf(err: unknown): ForbiddenAddressError | undefined {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ForbiddenAddressError) return e;
  }
  return undefined;
}
