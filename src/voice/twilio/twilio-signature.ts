import twilio from 'twilio';

/**
 * Twilio signs the URL it was configured with (scheme, host, path, query) plus the sorted POST fields. We rebuild
 * that URL from PUBLIC_BASE_URL, never from the Host header, which the caller controls.
 */
export function publicUrl(publicBaseUrl: string, pathAndQuery: string, scheme?: 'ws'): string {
  const base = new URL(publicBaseUrl);
  if (scheme === 'ws') base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return base.origin + base.pathname.replace(/\/$/, '') + pathAndQuery;
}

export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}
