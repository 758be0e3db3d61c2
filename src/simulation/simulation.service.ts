import { createHash } from 'node:crypto';

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';

import { ChatSandbox } from 'src/chat/chat-sandbox.service';
import { CrmDryRun } from 'src/crm/crm-dry-run.service';
import { checkStep, testsOf, validateTests } from 'src/simulation/conversation-tests';
import { checkMessages, simulateConversation } from 'src/simulation/simulated-conversation';
import { SimulationErrors } from 'src/simulation/simulation.errors';
import type { SimulatedMessage, SimulationResult, TestRunResult } from 'src/simulation/simulation.types';
import type { UpsertBusinessDto } from 'src/tenant/dto/upsert-business.dto';
import { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';

/** Draft overrides: a partial business config, as POST /admin/business takes it (without the id). */
export type DraftConfig = Omit<UpsertBusinessDto, 'businessId'>;

/**
 * Conversation simulation and conversation tests. A simulation runs the real chat turn runner against the saved
 * config, or a draft (the saved config with overrides, checked as a save would check it), and writes nothing.
 */
@Injectable()
export class SimulationService implements OnModuleInit {
  private readonly logger = new Logger('Simulation');

  constructor(
    private readonly tenants: TenantService,
    private readonly lifecycle: TenantLifecycle,
    private readonly sandbox: ChatSandbox,
    private readonly crm: CrmDryRun,
  ) {}

  onModuleInit(): void {
    // Tests name intents, rules, states and CTAs: a config where they do not exist is refused when saved.
    this.lifecycle.onValidate('tests', validateTests);
  }

  async simulate(businessId: string, turns: SimulatedMessage[], draft?: DraftConfig): Promise<SimulationResult> {
    const business = await this.configFor(businessId, draft);
    checkMessages(this.sandbox, business, turns);
    const traces = await simulateConversation(this.sandbox, this.crm, business, turns);
    this.logger.log({ businessId, turns: turns.length, draft: draft !== undefined }, 'conversation simulated');
    return { businessId, draft: draft !== undefined, turns: traces };
  }

  /** Each test is a fresh simulated conversation; a step passes when its turn meets every expectation it states. */
  async runTests(businessId: string, names?: string[], draft?: DraftConfig): Promise<TestRunResult> {
    const business = await this.configFor(businessId, draft);
    const all = testsOf(business);
    const unknown = (names ?? []).filter((n) => !all.some((t) => t.name === n));
    if (unknown.length) throw SimulationErrors.unknownTests(unknown);
    const selected = names?.length ? all.filter((t) => names.includes(t.name)) : all;
    const tests: TestRunResult['tests'] = [];
    for (const test of selected) {
      const traces = await simulateConversation(this.sandbox, this.crm, business, test.turns);
      const steps = traces.map((trace, i) => {
        const failures = checkStep(test.turns[i].expect, trace);
        return { turn: trace.turn, passed: failures.length === 0, failures, trace };
      });
      tests.push({ name: test.name, passed: steps.every((s) => s.passed), steps });
    }
    const passed = tests.filter((t) => t.passed).length;
    this.logger.log({ businessId, tests: tests.length, passed, draft: draft !== undefined }, 'conversation tests run');
    return { businessId, draft: draft !== undefined, passed, failed: tests.length - passed, tests };
  }

  private async configFor(businessId: string, draft: DraftConfig | undefined): Promise<TenantConfig> {
    if (draft === undefined) return this.tenants.get(businessId);
    const config = await this.tenants.preview({ ...draft, businessId });
    // Per-version caches (the intent classifier's embedded examples) must never serve a draft for the saved config,
    // or the saved config for a draft: a draft gets a version of its own, negative so no saved config ever has it.
    return { ...config, version: -draftVersion(config) };
  }
}

function draftVersion(config: TenantConfig): number {
  const digest = createHash('sha256').update(JSON.stringify(config)).digest();
  return 1 + (digest.readUInt32BE(0) % 2_000_000_000);
}
