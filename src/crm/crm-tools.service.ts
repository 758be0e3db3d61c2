import { createHash } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { withDeadline } from 'src/common/deadline/deadline';
import { toUnavailableError } from 'src/common/errors/infra.errors';
import { AppConfig } from 'src/config/app-config.service';
import type { ContactFields } from 'src/crm/crm-adapter.port';
import { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import { checkToolArgs, CRM_TOOL_DECLARATIONS, CrmToolName } from 'src/crm/crm-tool.declarations';
import { CrmTools, ToolCallContext, ToolDeclaration, ToolResult } from 'src/crm/crm-tools.port';
import { CrmOutboxRepository } from 'src/crm/outbox/crm-outbox.repository';
import { CrmOutboxService, OutboxOutcome } from 'src/crm/outbox/crm-outbox.service';
import type { CreateDealPayload, UpsertContactPayload } from 'src/crm/outbox/crm-write.executor';
import { PERSONAL, text, visitorFields } from 'src/crm/visitor-fields';

const fail = (error: string): ToolResult => ({ ok: false, error });

/**
 * The CRM as the model sees it. The tenant, adapter and contact come from the engine's context; arguments are checked
 * against the declared schema and against what the visitor actually said (ctx.captured), and every write goes through
 * the outbox, waiting at most CRM_SYNC_TIMEOUT_MS before answering `queued: true`.
 */
/**
 * The same for every tenant and turn, so built once (a per-turn deep copy showed in chat profiles) and frozen
 * so no caller can alter what another turn sees.
 */
const SHARED_DECLARATIONS: ToolDeclaration[] = deepFreeze(structuredClone([...CRM_TOOL_DECLARATIONS]));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

@Injectable()
export class CrmToolsService extends CrmTools {
  private readonly logger = new Logger('CrmTools');

  constructor(
    private readonly registry: CrmAdapterRegistry,
    private readonly outbox: CrmOutboxService,
    private readonly outboxItems: CrmOutboxRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  declarations(_businessId: string): Promise<ToolDeclaration[]> {
    return Promise.resolve(SHARED_DECLARATIONS);
  }

  async execute(name: string, args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
    const decl = CRM_TOOL_DECLARATIONS.find((d) => d.name === name);
    if (!decl) return fail(`unknown tool "${name}"`);
    const problem = checkToolArgs(decl, args ?? {});
    if (problem) return fail(problem);
    try {
      switch (name as CrmToolName) {
        case 'search_contact':
          return await this.search(args, ctx);
        case 'create_contact':
        case 'update_contact':
          return await this.upsertContact(args, ctx);
        case 'create_deal':
          return await this.createDeal(args, ctx);
      }
    } catch (err) {
      // Without its outbox row the lead would be lost while the turn carries on; the turn fails with 503 instead.
      const unavailable = toUnavailableError(err);
      if (unavailable) throw unavailable;
      const code = (err as { code?: unknown }).code;
      this.logger.warn(
        { businessId: ctx.businessId, tool: name, code: typeof code === 'string' ? code : 'UNEXPECTED' },
        'CRM tool failed',
      );
      return fail('The CRM could not be reached just now.');
    }
    return fail(`unknown tool "${name}"`);
  }

  private async search(args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
    const checked = visitorFields(args, ctx.captured, ['email', 'phone']);
    if (typeof checked === 'string') return fail(checked);
    if (!checked.email && !checked.phone)
      return fail('The visitor has not given an email or phone yet; ask for one first.');
    const adapter = await this.registry.forTenant(ctx.businessId);
    const lookup = async () =>
      (checked.email ? await adapter.searchContact({ email: checked.email }) : null) ??
      (checked.phone ? await adapter.searchContact({ phone: checked.phone }) : null);
    const found = await withDeadline(
      lookup(),
      this.config.get('CRM_SYNC_TIMEOUT_MS'),
      (): typeof TIMED_OUT => TIMED_OUT,
    );
    if (found === TIMED_OUT) return fail('The CRM is slow to answer; continue without the lookup.');
    if (!found) return { ok: true, data: { found: false } };
    // The visitor is unverified (anyone can type someone else's email): the model learns that a record matched,
    // never what it holds (names, deals, stages, owner). The id goes to the engine only.
    return { ok: true, contactId: found.id, data: { found: true } };
  }

  private async upsertContact(args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
    const checked = visitorFields(args, ctx.captured, PERSONAL);
    if (typeof checked === 'string') return fail(checked);
    if (!checked.email && !checked.phone)
      return fail('The visitor has not given an email or phone yet; ask for one first.');
    const fields: ContactFields = {
      ...checked,
      message: text(args.message),
      source: ctx.channel,
      sessionId: ctx.sessionId,
    };
    const payload: UpsertContactPayload = { fields, contactId: ctx.crm.contactId };
    const key = `${ctx.sessionId}:upsert_contact:${digest(payload)}`;
    const outcome = await this.submit(ctx, key, 'upsert_contact', payload);
    return this.toResult(outcome);
  }

  private async createDeal(args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
    if (!ctx.crm.contactId) {
      const pending = await this.outboxItems.findLatestForSession(ctx.businessId, ctx.sessionId, 'upsert_contact');
      if (!pending || pending.status === 'failed')
        return fail('Create the contact first (create_contact), then the deal.');
    }
    const title = text(args.title)!.slice(0, 200);
    const amount =
      typeof args.amount === 'number' && args.amount >= 0 ? Math.round(args.amount * 100) / 100 : undefined;
    const payload: CreateDealPayload = {
      contactId: ctx.crm.contactId,
      name: title,
      amount,
      fields: { message: text(args.message), source: ctx.channel, sessionId: ctx.sessionId },
    };
    // One deal per conversation: repeating the call returns the same deal instead of creating another.
    const outcome = await this.submit(ctx, `${ctx.sessionId}:create_deal`, 'create_deal', payload);
    return this.toResult(outcome);
  }

  private submit(ctx: ToolCallContext, key: string, operation: 'upsert_contact' | 'create_deal', payload: object) {
    return this.outbox.submit(
      ctx.businessId,
      { idempotencyKey: key, sessionId: ctx.sessionId, operation, payload: payload as Record<string, unknown> },
      this.config.get('CRM_SYNC_TIMEOUT_MS'),
    );
  }

  private toResult(outcome: OutboxOutcome): ToolResult {
    switch (outcome.status) {
      case 'done': {
        // Only that the visitor's details were recorded: the record's ids and whether it already existed stay with
        // the engine, so an unverified visitor cannot learn another person's CRM data through the model.
        const contactId = str(outcome.result.contactId);
        const dealId = str(outcome.result.dealId);
        return { ok: true, contactId, dealId, data: { saved: true } };
      }
      case 'queued':
        return {
          ok: true,
          queued: true,
          data: { saved: true, queued: true, note: 'Saved; it will reach the CRM shortly.' },
        };
      case 'failed':
        return { ok: false, error: 'The CRM refused this record; the business will review it. Do not retry.' };
    }
  }
}

const TIMED_OUT = Symbol('timed out');

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}
