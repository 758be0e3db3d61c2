import type { IncomingMessage } from 'node:http';

import { Logger } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';

import { AppConfig } from 'src/config/app-config.service';
import { CallSessionFactory } from 'src/voice/call/call-session.factory';
import { FrameGuard } from 'src/voice/twilio/frame-guard';
import { parseTwilioFrame } from 'src/voice/twilio/twilio-frame.parser';
import { CallTransport, WS_POLICY_VIOLATION, WS_TRY_AGAIN_LATER } from 'src/voice/twilio/twilio-media.types';
import { VoiceMetrics } from 'src/voice/voice-metrics.service';

/**
 * Twilio Media Streams endpoint. Thin: admits frames (text, size, rate), validates them against the protocol and
 * hands them to the call's CallSession. `maxPayload` is a hard backstop above VOICE_MAX_FRAME_BYTES, which is
 * enforced here with a policy close (1008) rather than ws's 1009. Unauthenticated sockets are capped in number
 * (VOICE_MAX_PENDING_STREAMS) and in time (VOICE_START_TIMEOUT_MS, enforced by the call).
 */
@WebSocketGateway({ path: '/media-stream', maxPayload: 1024 * 1024 })
export class MediaStreamGateway implements OnGatewayConnection {
  private readonly logger = new Logger('MediaStreamGateway');
  /** Sockets not yet authenticated. Twilio's start frame is the first point the tenant (and so its token) is known. */
  private pending = 0;

  constructor(
    private readonly calls: CallSessionFactory,
    private readonly config: AppConfig,
    private readonly metrics: VoiceMetrics,
  ) {}

  handleConnection(client: WebSocket, req: IncomingMessage): void {
    const signature = req.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || !signature) {
      this.metrics.rejectedSockets++;
      client.close(WS_POLICY_VIOLATION, 'missing X-Twilio-Signature');
      return;
    }
    const transport: CallTransport = {
      send: (frame) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
      },
      close: (code, reason) => {
        if (client.readyState === client.OPEN || client.readyState === client.CONNECTING) client.close(code, reason);
      },
    };
    if (this.pending >= this.config.get('VOICE_MAX_PENDING_STREAMS')) {
      this.metrics.rejectedSockets++;
      this.logger.warn({ pending: this.pending }, 'media stream refused: too many unauthenticated streams');
      client.close(WS_TRY_AGAIN_LATER, 'too many pending streams');
      return;
    }
    this.pending++;
    let counted = true;
    const settle = () => {
      if (counted) this.pending--;
      counted = false;
    };
    const call = this.calls.create(transport, signature, settle);
    const guard = new FrameGuard(
      this.config.get('VOICE_MAX_FRAME_BYTES'),
      this.config.get('VOICE_MAX_FRAMES_PER_SECOND'),
    );
    client.on('message', (data: RawData, isBinary: boolean) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      const refused = guard.check(size, isBinary);
      if (refused) return call.onPolicyViolation(refused);
      const parsed = parseTwilioFrame(data.toString());
      if (!parsed.ok) return call.onPolicyViolation(parsed.reason);
      if (parsed.frame) call.handle(parsed.frame);
    });
    client.on('close', () => {
      settle();
      call.onSocketClosed();
      this.calls.release(call);
    });
    client.on('error', (err) => this.logger.warn({ err: err.message }, 'media stream socket error'));
  }
}
