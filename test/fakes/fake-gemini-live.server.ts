import { createServer, request as httpRequest, Server } from 'node:http';

import { WebSocket, WebSocketServer } from 'ws';

import { pcm16FromBytes, pcm16ToBytes } from 'src/voice/audio/mulaw-codec';
import { StreamingResampler } from 'src/voice/audio/streaming-resampler';

/** What the SDK sent first on a connection: `{setup: {model, generationConfig, systemInstruction, tools, ...}}`. */
export interface LiveSetup {
  model?: string;
  systemInstruction?: { parts?: { text?: string }[] };
  tools?: { functionDeclarations?: { name: string }[] }[];
  sessionResumption?: { handle?: string };
  [k: string]: unknown;
}

/** One model session as the fake sees it; tests script the model's side through it. */
export class FakeLiveSession {
  readonly received: Record<string, unknown>[] = [];
  audioChunksIn = 0;
  private readonly upsampler = new StreamingResampler(16000, 24000);
  private readonly listeners: ((m: Record<string, unknown>) => void)[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly setup: LiveSetup,
    readonly path: string,
  ) {}

  get systemInstruction(): string {
    return (this.setup.systemInstruction?.parts ?? []).map((p) => p.text ?? '').join('');
  }

  get toolNames(): string[] {
    return (this.setup.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name));
  }

  send(message: Record<string, unknown>): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Model speech: 24 kHz PCM16 as Live sends it, in one serverContent message. */
  sendAudio(pcm24k: Int16Array): void {
    this.send({
      serverContent: {
        modelTurn: {
          parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: pcm16ToBytes(pcm24k).toString('base64') } }],
        },
      },
    });
  }

  /** Resolves with the next client message matching `pred`. */
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const found = this.received.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake live: expected client message not received')), timeoutMs);
      this.listeners.push((m) => {
        if (pred(m)) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });
  }

  onClientMessage(m: Record<string, unknown>, echo: boolean): void {
    this.received.push(m);
    for (const l of this.listeners) l(m);
    const audio = (m.realtimeInput as { audio?: { data: string } } | undefined)?.audio;
    if (audio) {
      this.audioChunksIn++;
      // Echo mode: the caller's audio comes straight back as model speech (16 kHz → 24 kHz).
      if (echo) this.sendAudio(this.upsampler.process(pcm16FromBytes(Buffer.from(audio.data, 'base64'))));
    }
  }
}

export interface FakeLiveOptions {
  port?: number;
  /** Echo caller audio back as model audio (default true). */
  echo?: boolean;
  /** Close every new connection right after `setup` instead of answering: the model is down. */
  refuseSetup?: boolean;
  /**
   * GEMINI_BASE_URL serves REST and Live alike, so plain HTTP requests (embeddings, generateContent) are passed to
   * this upstream, e.g. the REST fake in fake-gemini.server.ts. Without it they get 404.
   */
  restUpstream?: string;
}

/**
 * A local stand-in for Gemini Live reached through the real @google/genai SDK via `httpOptions.baseUrl`. The SDK
 * opens `ws://host//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=…` (note the
 * double slash from joining the base URL and the path) and sends `{setup}` first; we answer `{setupComplete: {}}`.
 */
export class FakeGeminiLiveServer {
  readonly sessions: FakeLiveSession[] = [];
  private wss!: WebSocketServer;
  private http!: Server;
  private readonly waiters: ((s: FakeLiveSession) => void)[] = [];
  connections = 0;

  constructor(private readonly options: FakeLiveOptions = {}) {}

  set refuseSetup(v: boolean) {
    this.options.refuseSetup = v;
  }

  async start(restUpstream?: string): Promise<string> {
    if (restUpstream) this.options.restUpstream = restUpstream;
    this.http = createServer((req, res) => {
      const upstream = this.options.restUpstream;
      if (!upstream) {
        res.writeHead(404).end();
        return;
      }
      const target = new URL(req.url ?? '/', upstream);
      const proxied = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      proxied.on('error', () => res.writeHead(502).end());
      req.pipe(proxied);
    });
    this.wss = new WebSocketServer({ server: this.http });
    await new Promise<void>((r) => this.http.listen(this.options.port ?? 0, '127.0.0.1', () => r()));
    this.wss.on('connection', (socket, req) => {
      this.connections++;
      let session: FakeLiveSession | null = null;
      socket.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        if (!session) {
          if (!m.setup) return socket.close(1007, 'setup expected first');
          if (this.options.refuseSetup) return socket.close(1011, 'model unavailable');
          session = new FakeLiveSession(socket, m.setup as LiveSetup, req.url ?? '');
          this.sessions.push(session);
          socket.send(JSON.stringify({ setupComplete: {} }));
          for (const w of this.waiters.splice(0)) w(session);
          return;
        }
        session.onClientMessage(m, this.options.echo ?? true);
      });
    });
    const { port } = this.http.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** The n-th session (0-based) once it has completed setup. */
  session(n: number, timeoutMs = 5000): Promise<FakeLiveSession> {
    if (this.sessions[n]) return Promise.resolve(this.sessions[n]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake live: session ${n} never opened`)), timeoutMs);
      const check = () => {
        if (this.sessions[n]) {
          clearTimeout(timer);
          resolve(this.sessions[n]);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  openSockets(): number {
    return [...this.wss.clients].filter((c) => c.readyState === WebSocket.OPEN).length;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}
