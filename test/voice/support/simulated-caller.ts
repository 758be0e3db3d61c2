import WebSocket from 'ws';

import { decodeMulaw, encodeMulaw } from 'src/voice/audio/mulaw-codec';
import { sineTone } from 'src/voice/audio/tone';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';

export interface CallerOptions {
  /** ws://127.0.0.1:<port> of the app. */
  appUrl: string;
  authToken: string;
  businessId: string;
  callSid: string;
  /** Defaults to the URL Twilio would sign: PUBLIC_BASE_URL as wss:// + /media-stream. */
  signedUrl?: string;
  signature?: string | null;
  /** Echo marks back as Twilio does once the audio before them has played (default true). */
  echoMarks?: boolean;
  /** The one-time ticket our webhook put in the TwiML <Parameter>s; Twilio echoes it in `start`. */
  ticket?: string;
}

type Received = { event: string; media?: { payload: string }; mark?: { name: string }; at: number };

/** A Twilio Media Streams client speaking the real JSON protocol with 20 ms μ-law frames. */
export class SimulatedCaller {
  readonly received: Received[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private ws!: WebSocket;
  readonly streamSid = `MZ${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`;
  private readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private waiters: (() => void)[] = [];

  constructor(readonly o: CallerOptions) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  async connect(): Promise<void> {
    const signedUrl = this.o.signedUrl ?? `${PUBLIC_BASE_URL.replace(/^https/, 'wss')}/media-stream`;
    const signature =
      this.o.signature === undefined ? twilioSignature(this.o.authToken, signedUrl, {}) : this.o.signature;
    this.ws = new WebSocket(`${this.o.appUrl}/media-stream`, {
      headers: signature ? { 'X-Twilio-Signature': signature } : {},
    });
    this.ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Received;
      msg.at = performance.now();
      this.received.push(msg);
      if (msg.event === 'mark' && (this.o.echoMarks ?? true))
        this.sendJson({ event: 'mark', streamSid: this.streamSid, mark: msg.mark });
      for (const w of this.waiters.splice(0)) w();
    });
    this.ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.resolveClosed();
      for (const w of this.waiters.splice(0)) w();
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  start(params: Record<string, string> = {}): void {
    this.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.sendJson({
      event: 'start',
      sequenceNumber: '1',
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        callSid: this.o.callSid,
        accountSid: 'AC00000000000000000000000000000000',
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: {
          businessId: this.o.businessId,
          callSid: this.o.callSid,
          ...(this.o.ticket ? { ticket: this.o.ticket } : {}),
          ...params,
        },
      },
    });
  }

  /** Sends `ms` of a tone as 20 ms frames; `paceMs` 0 sends as fast as possible. */
  async sendTone(freq: number, ms: number, paceMs = 0, amplitude = 8000): Promise<void> {
    const mulaw = encodeMulaw(sineTone({ freq, rate: 8000, ms, amplitude }));
    for (let o = 0, seq = 0; o < mulaw.length; o += 160, seq++) {
      this.sendJson({
        event: 'media',
        streamSid: this.streamSid,
        media: {
          track: 'inbound',
          chunk: String(seq),
          timestamp: String(seq * 20),
          payload: Buffer.from(mulaw.subarray(o, o + 160)).toString('base64'),
        },
      });
      if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
    }
  }

  dtmf(digit: string): void {
    this.sendJson({ event: 'dtmf', streamSid: this.streamSid, dtmf: { track: 'inbound_track', digit } });
  }

  stop(): void {
    this.sendJson({ event: 'stop', streamSid: this.streamSid, stop: { callSid: this.o.callSid } });
  }

  sendJson(value: unknown): void {
    this.sendRaw(JSON.stringify(value));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary });
  }

  media(): Buffer[] {
    return this.received.filter((m) => m.event === 'media').map((m) => Buffer.from(m.media!.payload, 'base64'));
  }

  receivedAudio(): Int16Array {
    return decodeMulaw(Buffer.concat(this.media()));
  }

  /** Resolves once `pred` holds over what was received (or the socket closed). */
  async until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('simulated caller: condition not met in time');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  waitClosed(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>(
      (_, rej) => (timer = setTimeout(() => rej(new Error('socket not closed in time')), timeoutMs)),
    );
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.ws.close();
  }
}
