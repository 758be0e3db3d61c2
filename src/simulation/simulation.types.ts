import type { ChatCta, ChatSource } from 'src/chat/chat-turn.types';
import type { DryRunCrmWrite } from 'src/crm/crm-dry-run.service';

/** One visitor message of a simulated conversation, as /chat takes it. */
export interface SimulatedMessage {
  message?: string;
  cta_id?: string;
  metadata?: Record<string, unknown>;
}

/** What one simulated turn did and why: the reply as the visitor would see it and the engine's reading of it. */
export interface TurnTrace {
  turn: number;
  /** The visitor's words (a `send` button's message); null for a menu click, which carries none. */
  message: string | null;
  ctaId: string | null;
  reply: string;
  ctas: ChatCta[];
  sources: ChatSource[];
  intent: { name: string; confidence: number } | null;
  sentiment: { label: string; score: number } | null;
  /** Ids of the rules that fired, before and after the model call, in rule order. */
  rulesFired: string[];
  /** Where the turn left the flow: the state it spoke from (also when that state ended the flow), else null. */
  flow: { id: string; state: string } | null;
  flowEnded: boolean;
  /** Lead fields known after the turn. */
  captured: Record<string, string>;
  tags: string[];
  /** A hand-off this turn started (its reason), else null. */
  handoff: { reason: string } | null;
  /** The session is with a person after this turn (the assistant stays out of later turns). */
  handedOff: boolean;
  /** CRM writes the turn would have queued; the dry run answered them with made-up ids. */
  crmWrites: DryRunCrmWrite[];
}

export interface SimulationResult {
  businessId: string;
  /** True when the turns ran against the saved config merged with the request's `config`. */
  draft: boolean;
  turns: TurnTrace[];
}

export interface TestFailure {
  field: 'intent' | 'rulesFired' | 'state' | 'ctas' | 'replyContains' | 'handoff';
  expected: unknown;
  actual: unknown;
}

export interface TestStepResult {
  turn: number;
  passed: boolean;
  failures: TestFailure[];
  trace: TurnTrace;
}

export interface TestResult {
  name: string;
  passed: boolean;
  steps: TestStepResult[];
}

export interface TestRunResult {
  businessId: string;
  draft: boolean;
  passed: number;
  failed: number;
  tests: TestResult[];
}
