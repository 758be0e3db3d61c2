import type { CapturedFields } from 'src/conversation/captured-fields';

/** A function the model may call, declared with a JSON schema (the subset Gemini accepts). */
export interface ToolDeclaration {
  name: string;
  description: string;
  parameters: {
    type: 'object';
    properties: Record<string, { type: string; description?: string; enum?: string[] }>;
    required?: string[];
  };
}

/** Fixed by the engine from the session, never by the model: the tenant, the session and what it has captured. */
export interface ToolCallContext {
  businessId: string;
  sessionId: string;
  channel: 'chat' | 'voice';
  captured: CapturedFields;
  crm: { contactId?: string; dealId?: string };
}

export interface ToolResult {
  ok: boolean;
  /** Safe for the model to read: no credentials, no internal ids of other tenants. */
  data?: Record<string, unknown>;
  error?: string;
  /** Set when the call created or found these; the engine stores them in the session. */
  contactId?: string;
  dealId?: string;
  /** True when the write was queued in the outbox because the CRM was slow or down. */
  queued?: boolean;
}

/** The CRM as the chat engine and voice bridge see it: declarations plus validated, tenant-bound execution. */
export abstract class CrmTools {
  abstract declarations(businessId: string): Promise<ToolDeclaration[]>;
  abstract execute(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult>;
}
