import dns from 'node:dns';

import ipaddr from 'ipaddr.js';

/**
 * Only globally routable unicast addresses are reachable for tenant-supplied URLs (crawls, CRM endpoints).
 * Everything else ipaddr.js classifies (private, loopback, link-local incl. cloud metadata 169.254.169.254,
 * unique-local, CGNAT, multicast, reserved, and the IPv6 transition ranges NAT64/6to4/Teredo that can embed a
 * private IPv4) is refused.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export const FORBIDDEN_ADDRESS_CODE = 'EFORBIDDENADDRESS';

/** Thrown from the socket's DNS lookup (or for a literal address); carries the address so callers can name it. */
export class ForbiddenAddressError extends Error {
  /** HTTP clients that keep only a socket error's `code` (node-fetch, inside the HubSpot SDK) still pass this on. */
  readonly code = FORBIDDEN_ADDRESS_CODE;

  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to non-public address ${address}`);
    this.name = 'ForbiddenAddressError';
  }
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * The non-public address a URL's host is or resolves to, if any. Checked before a request so the refusal can name
 * the URL; the connect-time `publicOnlyLookup` still closes the DNS-rebinding gap after it. Rejects with the DNS
 * error when the host does not resolve.
 */
export async function nonPublicAddressOf(url: URL): Promise<ForbiddenAddressError | undefined> {
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return isPublicAddress(host) ? undefined : new ForbiddenAddressError(host, host);
  const addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  return bad ? new ForbiddenAddressError(host, bad.address) : undefined;
}

/** Drop-in for `net.connect({ lookup })` that refuses to connect to a non-public address. */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) return callback(new ForbiddenAddressError(hostname, bad.address) as NodeJS.ErrnoException, '');
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}
