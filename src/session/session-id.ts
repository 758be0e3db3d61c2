import { randomUUID } from 'node:crypto';

/**
 * Voice sessions are keyed by the Twilio CallSid (`CA` + 32 hex). Chat never takes an id of that shape, so the
 * two channels cannot share a key even for a call that has not started yet, and a logged CallSid opens nothing.
 */
const CALL_SID_SHAPE = /^CA[0-9a-f]{32}$/i;

export function isVoiceSessionId(sessionId: string): boolean {
  return CALL_SID_SHAPE.test(sessionId);
}

/** Server-generated chat session id: 122 random bits, and the UUID shape the API documents for client-made ids. */
export function newChatSessionId(): string {
  return randomUUID();
}
