/** What the receiver gets, as JSON. */
export interface HandoffWebhookPayload {
  event: 'handoff';
  businessId: string;
  sessionId: string;
  channel: 'chat' | 'voice';
  reason: string;
  handedOffAt: string;
  captured: Record<string, string>;
  /** The last messages of the conversation, oldest first. */
  messages: Array<{ role: 'user' | 'assistant'; text: string }>;
}
