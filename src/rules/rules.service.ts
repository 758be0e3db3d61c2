import { Injectable, OnModuleInit } from '@nestjs/common';

import { mergeMetadata } from 'src/conversation/session-metadata';
import type { SessionState } from 'src/conversation/session-state';
import { validateCtaConditions } from 'src/rules/cta-conditions';
import { type FlowPosition, flowsOf, nextPosition, stateAt, validateFlows } from 'src/rules/flow-machine';
import { conditionHolds, evaluateRules, rulesOf } from 'src/rules/rule-evaluation';
import { validateProfiles, validateRules } from 'src/rules/rule-validation';
import type { TurnDecision } from 'src/rules/rules.types';
import { catalogOf } from 'src/tenant/catalog';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';
import type { TurnContext } from 'src/understanding/turn-context';

/**
 * The conversation rules of a business: checked when its config is saved (a rule that names an unknown variable, CTA
 * or profile is refused then, not discovered mid-conversation), and evaluated on every turn into one TurnDecision.
 */
@Injectable()
export class RulesService implements OnModuleInit {
  constructor(private readonly lifecycle: TenantLifecycle) {}

  onModuleInit(): void {
    this.lifecycle.onValidate('rules', (config) => {
      const ctaIds = new Set(Object.keys(config.ctaTree ?? {}));
      const flows = flowsOf(config.flows);
      return [
        ...validateProfiles(config.profiles ?? {}),
        ...validateFlows(config.flows ?? [], ctaIds),
        ...validateRules(config.rules ?? [], {
          ctaIds,
          profiles: new Set(Object.keys(config.profiles ?? {})),
          flows: new Set(flows.map((f) => f.id)),
          states: new Set(
            flows.flatMap((f) => (f?.states && typeof f.states === 'object' ? Object.keys(f.states) : [])),
          ),
        }),
      ];
    });
    this.lifecycle.onValidate('ctaConditions', (config) =>
      validateCtaConditions(config.ctaTree ?? {}, catalogOf(config.catalog)),
    );
  }

  /**
   * Applies what the fired rules change in the session (tags, metadata, prompt profile), on chat and on calls, and
   * returns what the transcript records with the reply: the fired rule ids (so an admin sees why) and those changes,
   * which session recovery replays.
   */
  applyDecision(state: SessionState, decision: TurnDecision): Record<string, unknown> {
    const meta: Record<string, unknown> = {};
    if (!decision.fired.length) return meta;
    meta.rules = decision.fired;
    if (decision.tags.length) {
      state.conversation.tags = [...new Set([...(state.conversation.tags ?? []), ...decision.tags])];
      meta.tags = decision.tags;
    }
    if (Object.keys(decision.setMetadata).length) {
      state.clientMetadata = mergeMetadata(state.clientMetadata, decision.setMetadata);
      meta.setMetadata = decision.setMetadata;
    }
    if (decision.profile) {
      state.conversation.profile = decision.profile;
      meta.profile = decision.profile;
    }
    if (decision.handoff) meta.handoff = decision.handoff;
    if (decision.collect.length) meta.collect = decision.collect;
    return meta;
  }

  /** A CTA node's `when` (or any other condition of the config) over this turn's context. */
  holds(condition: unknown, context: TurnContext): boolean {
    return conditionHolds(condition, context);
  }

  decide(business: TenantConfig, context: TurnContext): TurnDecision {
    return evaluateRules(rulesOf(business.rules ?? []), context);
  }

  /** Before the rules: the active flow's transitions, read on this visitor message. */
  advance(business: TenantConfig, at: FlowPosition | null, context: TurnContext): FlowPosition | null {
    // A flow or state removed from the config since the session entered it ends the flow.
    return at && this.known(business, at) ? nextPosition(flowsOf(business.flows), at, context) : null;
  }

  /**
   * After the rules: a rule's startFlow (enters its start state) or setState (moves the active flow), then the state
   * the session is in, merged into the decision behind the rules' own actions: a rule's reply and buttons come first.
   */
  steer(
    business: TenantConfig,
    at: FlowPosition | null,
    decision: TurnDecision,
  ): { position: FlowPosition | null; decision: TurnDecision; ended: boolean } {
    const flows = flowsOf(business.flows);
    let position = at;
    const started = decision.startFlow ? flows.find((f) => f.id === decision.startFlow) : undefined;
    if (started) position = { flow: started.id, state: started.start };
    else if (decision.setState && position && this.known(business, { ...position, state: decision.setState }))
      position = { ...position, state: decision.setState };
    const step = stateAt(flows, position);
    if (!position || !step) return { position: null, decision, ended: false };
    const merged: TurnDecision = {
      ...decision,
      reply: decision.reply ?? step.say ?? null,
      instructions: [...decision.instructions, ...(step.instruction ? [step.instruction] : [])],
      showCtas: [...new Set([...decision.showCtas, ...(step.ctas ?? [])])],
      collect: [...new Set([...decision.collect, ...(step.collect ?? [])])],
    };
    return { position, decision: merged, ended: !!step.end };
  }

  private known(business: TenantConfig, at: FlowPosition): boolean {
    return !!stateAt(flowsOf(business.flows), at);
  }
}
