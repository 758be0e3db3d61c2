import type { TwilioInboundFrame } from 'src/voice/twilio/twilio-media.types';

export type ParseResult =
  { ok: true; frame: TwilioInboundFrame } | { ok: true; frame: null } | { ok: false; reason: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length <= max;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** 1 s of μ-law is 8000 bytes; a 20 ms frame is 160. Anything far larger is not a Twilio media frame. */
const MAX_PAYLOAD_CHARS = 16_000;

/**
 * Validates a text frame against the Media Streams protocol at the edge, so the call logic can trust its input.
 * Unknown events parse to `frame: null` (Twilio may add events); malformed known events are errors.
 */
export function parseTwilioFrame(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'frame is not JSON' };
  }
  if (!isObj(raw) || !isStr(raw.event, 32)) return { ok: false, reason: 'frame has no event' };
  const bad = (what: string): ParseResult => ({ ok: false, reason: `${raw.event as string} frame: ${what}` });
  switch (raw.event) {
    case 'connected':
      return { ok: true, frame: { event: 'connected' } };
    case 'start': {
      const s = raw.start;
      if (!isObj(s) || !isStr(s.streamSid, 64) || !isStr(s.callSid, 64)) return bad('missing streamSid/callSid');
      const params = isObj(s.customParameters) ? s.customParameters : {};
      const customParameters: Record<string, string> = {};
      for (const [k, v] of Object.entries(params)) if (isStr(v, 512)) customParameters[k] = v;
      return {
        ok: true,
        frame: {
          event: 'start',
          streamSid: s.streamSid,
          start: { streamSid: s.streamSid, callSid: s.callSid, customParameters },
        },
      };
    }
    case 'media': {
      const m = raw.media;
      if (!isObj(m) || !isStr(m.payload, MAX_PAYLOAD_CHARS) || !BASE64.test(m.payload))
        return bad('payload must be base64 audio');
      if (m.track !== undefined && m.track !== 'inbound') return { ok: true, frame: null };
      return {
        ok: true,
        frame: { event: 'media', streamSid: String(raw.streamSid ?? ''), media: { payload: m.payload } },
      };
    }
    case 'mark': {
      const m = raw.mark;
      if (!isObj(m) || !isStr(m.name, 128)) return bad('mark needs a name');
      return { ok: true, frame: { event: 'mark', streamSid: String(raw.streamSid ?? ''), mark: { name: m.name } } };
    }
    case 'dtmf': {
      const d = raw.dtmf;
      if (!isObj(d) || !isStr(d.digit, 1) || !/^[0-9*#]$/.test(d.digit)) return bad('digit must be 0-9, * or #');
      return { ok: true, frame: { event: 'dtmf', streamSid: String(raw.streamSid ?? ''), dtmf: { digit: d.digit } } };
    }
    case 'stop':
      return { ok: true, frame: { event: 'stop', streamSid: String(raw.streamSid ?? '') } };
    default:
      return { ok: true, frame: null };
  }
}
