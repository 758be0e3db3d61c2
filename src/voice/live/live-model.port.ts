import type { FunctionResponse, LiveServerMessage } from '@google/genai';

import type { ToolDeclaration } from 'src/crm/crm-tools.port';

export interface LiveSessionOptions {
  systemInstruction: string;
  tools: ToolDeclaration[];
  voiceName: string | null;
  language: string | null;
  /** Handle from the last `sessionResumptionUpdate`; reconnects continue the same conversation. */
  resumeHandle?: string;
}

export interface LiveSessionCallbacks {
  onMessage(message: LiveServerMessage): void;
  /** The model's socket closed; `expected` is false when we did not ask for it. */
  onClose(info: { code: number; reason: string }): void;
}

/** One open conversation with a realtime speech model. */
export interface LiveModelSession {
  sendAudio(pcm16kLittleEndian: Buffer): void;
  /** A user turn the model answers now. */
  sendText(text: string): void;
  /** Context the model reads with the caller's next words; it does not answer it on its own. */
  sendContext(text: string): void;
  sendToolResponse(responses: FunctionResponse[]): void;
  close(): void;
}

/** Opens realtime model sessions; Gemini Live in production, the same SDK against a fake server in tests. */
export abstract class LiveModelConnector {
  abstract connect(options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession>;
}
