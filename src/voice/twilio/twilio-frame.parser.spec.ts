import { parseTwilioFrame } from 'src/voice/twilio/twilio-frame.parser';

describe('parseTwilioFrame', () => {
  it('reads a start frame with its custom parameters', () => {
    const r = parseTwilioFrame(
      JSON.stringify({
        event: 'start',
        streamSid: 'MZ1',
        start: { streamSid: 'MZ1', callSid: 'CA1', customParameters: { businessId: 'acme', n: 3 } },
      }),
    );
    expect(r).toEqual({
      ok: true,
      frame: {
        event: 'start',
        streamSid: 'MZ1',
        start: { streamSid: 'MZ1', callSid: 'CA1', customParameters: { businessId: 'acme' } },
      },
    });
  });

  it('reads inbound media and ignores other tracks', () => {
    expect(
      parseTwilioFrame('{"event":"media","streamSid":"MZ1","media":{"track":"inbound","payload":"//8="}}'),
    ).toMatchObject({ ok: true, frame: { media: { payload: '//8=' } } });
    expect(parseTwilioFrame('{"event":"media","media":{"track":"outbound","payload":"//8="}}')).toEqual({
      ok: true,
      frame: null,
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['no event', '{"media":{}}'],
    ['a non-base64 payload', '{"event":"media","media":{"payload":"<script>"}}'],
    ['a start without callSid', '{"event":"start","start":{"streamSid":"MZ1"}}'],
    ['a multi-character digit', '{"event":"dtmf","dtmf":{"digit":"12"}}'],
    ['a mark without a name', '{"event":"mark","mark":{}}'],
  ])('rejects %s', (_name, text) => {
    expect(parseTwilioFrame(text).ok).toBe(false);
  });

  it('passes over events it does not know, since Twilio may add some', () => {
    expect(parseTwilioFrame('{"event":"future-thing"}')).toEqual({ ok: true, frame: null });
  });
});
