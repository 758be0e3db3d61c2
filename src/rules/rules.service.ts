import { Injectable, OnModuleInit } from '@nestjs/common';

import { evaluateRules, rulesOf } from 'src/rules/rule-evaluation';
import { validateProfiles, validateRules } from 'src/rules/rule-validation';
import type { TurnDecision } from 'src/rules/rules.types';
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
    this.lifecycle.onValidate('rules', (config) => [
      ...validateProfiles(config.profiles ?? {}),
      ...validateRules(config.rules ?? [], {
        ctaIds: new Set(Object.keys(config.ctaTree ?? {})),
        profiles: new Set(Object.keys(config.profiles ?? {})),
      }),
    ]);
  }

  decide(business: TenantConfig, context: TurnContext): TurnDecision {
    return evaluateRules(rulesOf(business.rules ?? []), context);
  }
}
