import { scrubEvent, scrubText } from 'src/metrics/pii-scrub';

describe('PII scrubbing for error reports', () => {
  it('redacts e-mail addresses and phone numbers in any common format', () => {
    expect(scrubText('lead jane.doe+x@example.co.uk failed')).toBe('lead [redacted] failed');
    expect(scrubText('call +1 (415) 555-0134 or 020 7946 0958')).toBe('call [redacted] or [redacted]');
  });

  it('redacts bearer tokens, API keys and key=value secrets', () => {
    expect(scrubText('Authorization: Bearer abc.def-123')).toBe('[redacted]');
    expect(scrubText('with key cpk_0123456789abcdef')).toBe('with key [redacted]');
    expect(scrubText('token=s3cr3t rest')).toBe('[redacted] rest');
  });

  it('keeps ordinary words and short numbers', () => {
    expect(scrubText('relation "crm_outbox" timed out after 3000 ms on attempt 2')).toBe(
      'relation "crm_outbox" timed out after 3000 ms on attempt 2',
    );
  });

  it('drops the request, user, breadcrumbs and extra data and scrubs exception messages', () => {
    const event = scrubEvent({
      message: 'for bob@example.com',
      exception: { values: [{ type: 'Error', value: 'phone 4155550134 rejected' }] },
      request: { data: '{"email":"bob@example.com"}', headers: { authorization: 'Bearer x' } },
      user: { email: 'bob@example.com' },
      breadcrumbs: [{ message: 'log line' }],
      extra: { body: 'x' },
    });
    expect(event).toEqual({
      message: 'for [redacted]',
      exception: { values: [{ type: 'Error', value: 'phone [redacted] rejected' }] },
    });
  });
});
