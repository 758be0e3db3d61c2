import twilio from 'twilio';

import type { CallOutcome } from 'src/voice/call/call-ticket.store';

/** Custom parameter names on <Stream>; Twilio drops query strings on stream URLs, so ids travel here. */
export const STREAM_PARAM_BUSINESS = 'businessId';
export const STREAM_PARAM_CALL = 'callSid';
export const STREAM_PARAM_TICKET = 'ticket';
/** The caller's number, the number called and the caller's country, from Twilio's signed webhook: session metadata. */
export const STREAM_PARAM_FROM = 'from';
export const STREAM_PARAM_TO = 'to';
export const STREAM_PARAM_CALLER_COUNTRY = 'callerCountry';

const VOICE_UNAVAILABLE =
  'Sorry, this line is not taking calls right now. Please try again later or visit our website. Goodbye.';
const APOLOGY = 'Sorry, our assistant is having trouble right now. Please call back in a few minutes. Goodbye.';
const TIME_LIMIT = 'We have reached the time limit for this call. Thank you for calling. Goodbye.';

export function unavailableTwiml(): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say(VOICE_UNAVAILABLE);
  r.hangup();
  return r.toString();
}

export function connectStreamTwiml(opts: {
  streamUrl: string;
  actionUrl: string;
  businessId: string;
  callSid: string;
  ticket: string;
  caller?: { from?: string; to?: string; country?: string };
}): string {
  const r = new twilio.twiml.VoiceResponse();
  // When the stream ends Twilio fetches `action`; its answer says goodbye or apologises depending on how it ended.
  const connect = r.connect({ action: opts.actionUrl, method: 'POST' });
  const stream = connect.stream({ url: opts.streamUrl });
  stream.parameter({ name: STREAM_PARAM_BUSINESS, value: opts.businessId });
  stream.parameter({ name: STREAM_PARAM_CALL, value: opts.callSid });
  stream.parameter({ name: STREAM_PARAM_TICKET, value: opts.ticket });
  const caller = opts.caller ?? {};
  if (caller.from) stream.parameter({ name: STREAM_PARAM_FROM, value: caller.from });
  if (caller.to) stream.parameter({ name: STREAM_PARAM_TO, value: caller.to });
  if (caller.country) stream.parameter({ name: STREAM_PARAM_CALLER_COUNTRY, value: caller.country });
  return r.toString();
}

/** What a voice hand-off needs from the tenant's `handoff` config. */
export interface VoiceHandoff {
  message?: string;
  transferNumber?: string;
}

const HANDOFF_TRANSFER = 'Let me put you through to a member of the team. Please hold.';
const HANDOFF_CALLBACK =
  'I am passing your call to a member of the team, who will get back to you shortly. Thank you for calling. Goodbye.';

/**
 * The line the caller hears when the call goes to a person: the tenant's hand-off message, else one that fits what
 * happens next (chat's default promises a reply "here", which a phone call cannot keep once it hangs up).
 */
export function voiceHandoffLine(handoff: VoiceHandoff): string {
  return handoff.message ?? (handoff.transferNumber ? HANDOFF_TRANSFER : HANDOFF_CALLBACK);
}

export function afterStreamTwiml(outcome: CallOutcome | null, handoff: VoiceHandoff = {}): string {
  if (outcome === 'handoff') return handoffTwiml(handoff);
  const r = new twilio.twiml.VoiceResponse();
  if (outcome === 'failed') r.say(APOLOGY);
  if (outcome === 'time_limit') r.say(TIME_LIMIT);
  r.hangup();
  return r.toString();
}

/**
 * After a hand-off: the line, then the call is transferred to the tenant's number with <Dial>, or, without one, it
 * ends politely.
 */
function handoffTwiml(handoff: VoiceHandoff): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say(voiceHandoffLine(handoff));
  if (handoff.transferNumber) r.dial(handoff.transferNumber);
  else r.hangup();
  return r.toString();
}
