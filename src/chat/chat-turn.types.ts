import type { CtaAction, CtaNode } from 'src/tenant/cta-tree';

/** A button as the client receives it: always in `ctas`, never inside the response text. */
export interface ChatCta {
  id: string;
  label: string;
  action: CtaAction;
  url?: string;
  message?: string;
}

export interface ChatSource {
  title: string;
  url: string;
  chunkId: string;
}

export interface ChatTurnInput {
  businessId: string;
  sessionId: string;
  message: string;
  ctaId?: string;
  /** From the embedding page (the widget's data-metadata); the latest replaces the earlier. */
  metadata?: Record<string, string | number | boolean>;
}

export interface ChatReply {
  response: string;
  ctas?: ChatCta[];
  sources?: ChatSource[];
  session_id: string;
  /** Send it back (body `session_token` or header `X-Session-Token`) to continue this session. */
  session_token: string;
}

/** What `/chat/stream` sends, in order: deltas, then ctas and sources, then done (or error). */
export type ChatStreamEvent =
  | { event: 'delta'; data: { text: string } }
  | { event: 'ctas'; data: { ctas: ChatCta[] } }
  | { event: 'sources'; data: { sources: ChatSource[] } }
  | { event: 'done'; data: ChatReply }
  | { event: 'error'; data: { message: string; code?: string } };

export function toChatCta(node: CtaNode): ChatCta {
  const cta: ChatCta = { id: node.id, label: node.label, action: node.action };
  if (node.url) cta.url = node.url;
  if (node.message) cta.message = node.message;
  return cta;
}
