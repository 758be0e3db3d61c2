import type { CapturedField } from 'src/conversation/captured-fields';
import type { SessionMetadata } from 'src/conversation/session-metadata';
import type { Channel } from 'src/conversation/session-state';

/** One action of a rule's `then`: an object with exactly one of these keys. */
export type RuleAction =
  | { reply: string }
  | { instruction: string }
  | { showCtas: string[] }
  | { hideCtas: string[] }
  | { setMetadata: SessionMetadata }
  | { tag: string }
  | { handoff: { reason: string } }
  | { collect: CapturedField[] }
  | { profile: string };

/** A conversation rule as stored in the business config (`rules`); plain strings there stay prompt guidance. */
export interface Rule {
  id: string;
  description?: string;
  /** JsonLogic over the turn context; evaluated by json-logic-js, never as code. */
  when: unknown;
  then: RuleAction[];
  channels?: Channel[];
  /** No later rule is evaluated once this one fired. */
  stop?: boolean;
}

/**
 * What the fired rules decided for one turn, merged in rule order: the first `reply`, `handoff` and `profile` win,
 * instructions, tags, metadata, CTAs and fields accumulate. `fired` lists the rule ids, recorded with the reply.
 */
export interface TurnDecision {
  fired: string[];
  reply: string | null;
  instructions: string[];
  showCtas: string[];
  hideCtas: string[];
  setMetadata: SessionMetadata;
  tags: string[];
  handoff: { reason: string } | null;
  collect: CapturedField[];
  profile: string | null;
}
