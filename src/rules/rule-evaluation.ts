import jsonLogic from 'json-logic-js';

import { mergeMetadata } from 'src/conversation/session-metadata';
import type { Rule, RuleAction, TurnDecision } from 'src/rules/rules.types';
import type { TurnContext } from 'src/understanding/turn-context';

export function emptyDecision(): TurnDecision {
  return {
    fired: [],
    reply: null,
    instructions: [],
    showCtas: [],
    hideCtas: [],
    setMetadata: {},
    tags: [],
    handoff: null,
    collect: [],
    profile: null,
    startFlow: null,
    setState: null,
  };
}

/** Whether a JsonLogic condition holds for this turn; one that fails at evaluation counts as false, never a crash. */
export function conditionHolds(logic: unknown, context: TurnContext): boolean {
  try {
    return jsonLogic.truthy(jsonLogic.apply(logic as jsonLogic.RulesLogic, context));
  } catch {
    return false;
  }
}

/** The rule objects of a config's `rules`; plain strings are prompt text, not rules. */
export function rulesOf(stored: readonly unknown[]): Rule[] {
  return stored.filter((r): r is Rule => !!r && typeof r === 'object' && !Array.isArray(r));
}

/**
 * Evaluates the rules in order over the turn context and merges what fired into one decision. A rule's `tag` and
 * `setMetadata` are visible to the rules after it (as in a Rasa/Botpress pipeline), so a later rule can build on an
 * earlier one. A `when` that fails at evaluation (validated configs should not) counts as false, never as a crash.
 */
export function evaluateRules(rules: readonly Rule[], context: TurnContext): TurnDecision {
  const decision = emptyDecision();
  const data = { ...context, metadata: { ...context.metadata }, tags: [...context.tags] };
  for (const rule of rules) {
    if (rule.channels && !rule.channels.includes(context.channel)) continue;
    let holds: boolean;
    try {
      holds = jsonLogic.truthy(jsonLogic.apply(rule.when as jsonLogic.RulesLogic, data));
    } catch {
      holds = false;
    }
    if (!holds) continue;
    decision.fired.push(rule.id);
    for (const action of rule.then) apply(decision, action, data);
    if (rule.stop) break;
  }
  return decision;
}

function apply(decision: TurnDecision, action: RuleAction, data: TurnContext): void {
  if ('reply' in action) decision.reply ??= action.reply;
  else if ('instruction' in action) decision.instructions.push(action.instruction);
  else if ('showCtas' in action)
    decision.showCtas.push(...action.showCtas.filter((id) => !decision.showCtas.includes(id)));
  else if ('hideCtas' in action) decision.hideCtas.push(...action.hideCtas);
  else if ('setMetadata' in action) {
    decision.setMetadata = mergeMetadata(decision.setMetadata, action.setMetadata);
    data.metadata = mergeMetadata(data.metadata, action.setMetadata);
  } else if ('tag' in action) {
    if (!decision.tags.includes(action.tag)) decision.tags.push(action.tag);
    if (!data.tags.includes(action.tag)) data.tags.push(action.tag);
  } else if ('handoff' in action) decision.handoff ??= { reason: action.handoff.reason };
  else if ('collect' in action) decision.collect.push(...action.collect.filter((f) => !decision.collect.includes(f)));
  else if ('profile' in action) decision.profile ??= action.profile;
  else if ('startFlow' in action) decision.startFlow ??= action.startFlow;
  else if ('setState' in action) decision.setState ??= action.setState;
}
