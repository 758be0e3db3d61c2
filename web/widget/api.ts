import { SseParser } from './sse';

/** GET /api/business/:id/config (the fields the widget uses). */
export interface WidgetConfig {
  businessId: string;
  businessName: string;
  greetingMessage: string | null;
  privacyStatement: string | null;
  themeColor: string | null;
  widgetPosition: string;
  chatbotButtonText: string | null;
  businessLogo: string | null;
}

export interface Cta {
  id: string;
  label: string;
  action: 'show_children' | 'send' | 'link' | 'redirect';
  url?: string;
}

export interface Source {
  title: string;
  url: string;
}

export interface Reply {
  response: string;
  ctas?: Cta[];
  sources?: Source[];
  session_id: string;
  session_token: string;
}

/** GET /chat/history: what the visitor saw, oldest first. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
  ctas?: Cta[];
  createdAt: string;
}

/** A refusal from the API, with the coded error it sent (`code`), or a network failure (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface StreamHandlers {
  delta(textSoFar: string): void;
  done(reply: Reply): void;
}

export interface ChatInput {
  message: string;
  ctaId?: string;
  session: { id: string; token: string } | null;
  metadata?: Record<string, unknown>;
}

/** The platform API as the widget uses it; `base` is the origin that served widget.js. */
export class WidgetApi {
  constructor(
    private readonly base: string,
    private readonly businessId: string,
  ) {}

  async config(): Promise<WidgetConfig> {
    const res = await this.fetch(`/api/business/${encodeURIComponent(this.businessId)}/config`);
    return ((await res.json()) as { config: WidgetConfig }).config;
  }

  async history(session: { id: string; token: string }): Promise<HistoryMessage[]> {
    const query = new URLSearchParams({ business_id: this.businessId, session_id: session.id });
    const res = await this.fetch(`/chat/history?${query}`, { headers: { 'X-Session-Token': session.token } });
    return ((await res.json()) as { messages: HistoryMessage[] }).messages;
  }

  /** POST /chat/stream, read as Server-Sent Events; resolves after `done`, rejects with an ApiError otherwise. */
  async stream(input: ChatInput, on: StreamHandlers): Promise<void> {
    const body: Record<string, unknown> = { business_id: this.businessId, message: input.message };
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (input.ctaId) body.cta_id = input.ctaId;
    if (input.metadata) body.metadata = input.metadata;
    if (input.session) {
      body.session_id = input.session.id;
      headers['X-Session-Token'] = input.session.token;
    }
    const res = await this.fetch('/chat/stream', { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.body) throw new ApiError(0, undefined, 'The reply could not be read.');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const e of parser.push(value)) {
        const data = JSON.parse(e.data) as Record<string, unknown>;
        if (e.event === 'delta') on.delta((text += String(data.text ?? '')));
        else if (e.event === 'done') return on.done(data as unknown as Reply);
        else if (e.event === 'error')
          throw new ApiError(500, data.code as string | undefined, String(data.message ?? 'Something went wrong.'));
      }
    }
    throw new ApiError(0, undefined, 'The connection closed before the reply was complete.');
  }

  private async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base).href, { ...init, credentials: 'omit' });
    } catch {
      throw new ApiError(0, undefined, 'Cannot reach the chat service. Check your connection and try again.');
    }
    if (res.ok) return res;
    const err = (await res.json().catch(() => ({}))) as { message?: unknown; code?: unknown };
    throw new ApiError(
      res.status,
      typeof err.code === 'string' ? err.code : undefined,
      typeof err.message === 'string' ? err.message : `The chat service answered ${res.status}.`,
    );
  }
}
