const REDACTED = '[redacted]';

/** Credentials, e-mail addresses and phone numbers, in the forms they take inside error messages. */
const PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(?:cpk|sk|pk|rk)_[A-Za-z0-9_-]{8,}/g,
  /\b(?:api[_-]?key|token|secret|password|authorization)\b\s*[:=]\s*\S+/gi,
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  // Seven or more digits with the usual separators: phone numbers in any common format.
  /\+?\d(?:[\s().-]*\d){6,}/g,
];

/** The text with credentials, e-mail addresses and phone numbers replaced by `[redacted]`. */
export function scrubText(text: string): string {
  return PATTERNS.reduce((out, pattern) => out.replace(pattern, REDACTED), text);
}

/** The parts of a Sentry event this reporter may send; everything else is dropped by `scrubEvent`. */
export interface ScrubbableEvent {
  message?: string;
  exception?: { values?: { type?: string; value?: string }[] };
  request?: unknown;
  user?: unknown;
  breadcrumbs?: unknown;
  extra?: unknown;
}

/**
 * What leaves for Sentry: the exception's type, scrubbed message and stack, and our tags. Never the request (body,
 * headers, cookies, query), the user, breadcrumbs (they can hold log lines) or extra data.
 */
export function scrubEvent<E extends ScrubbableEvent>(event: E): E {
  delete event.request;
  delete event.user;
  delete event.breadcrumbs;
  delete event.extra;
  if (event.message) event.message = scrubText(event.message);
  for (const value of event.exception?.values ?? []) {
    if (value.value) value.value = scrubText(value.value);
  }
  return event;
}
