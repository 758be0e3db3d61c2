import twilio from 'twilio';

export const PUBLIC_BASE_URL = 'https://voice.test.example.com';

/** Signs as Twilio does: HMAC-SHA1 of the full public URL plus sorted POST fields, with the account's auth token. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string> = {}): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
