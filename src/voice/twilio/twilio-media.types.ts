/** Twilio Media Streams, inbound (Twilio → us). Only the fields we use are typed; the rest is ignored. */
export interface StartFrame {
  event: 'start';
  streamSid: string;
  start: { streamSid: string; callSid: string; customParameters: Record<string, string> };
}
export interface MediaFrame {
  event: 'media';
  streamSid: string;
  media: { payload: string; track?: string };
}
export interface MarkFrame {
  event: 'mark';
  streamSid: string;
  mark: { name: string };
}
export interface DtmfFrame {
  event: 'dtmf';
  streamSid: string;
  dtmf: { digit: string };
}
export interface StopFrame {
  event: 'stop';
  streamSid: string;
}
export interface ConnectedFrame {
  event: 'connected';
}

export type TwilioInboundFrame = ConnectedFrame | StartFrame | MediaFrame | MarkFrame | DtmfFrame | StopFrame;

/** Outbound (us → Twilio), typed per event so a misspelt field fails to compile. */
export type TwilioOutboundFrame =
  | { event: 'media'; streamSid: string; media: { payload: string } }
  | { event: 'mark'; streamSid: string; mark: { name: string } }
  | { event: 'clear'; streamSid: string };

/** The socket as a call sees it. */
export interface CallTransport {
  send(frame: TwilioOutboundFrame): void;
  close(code: number, reason: string): void;
}

/** WebSocket close codes used. */
export const WS_NORMAL = 1000;
export const WS_POLICY_VIOLATION = 1008;
/** Server overloaded: the client may retry later (RFC 6455 registry). */
export const WS_TRY_AGAIN_LATER = 1013;
