import { Injectable } from '@nestjs/common';

import type { ContactFields } from 'src/crm/crm-adapter.port';
import { checkToolArgs, CRM_TOOL_DECLARATIONS, type CrmToolName } from 'src/crm/crm-tool.declarations';
import { CrmTools, type ToolCallContext, type ToolDeclaration, type ToolResult } from 'src/crm/crm-tools.port';
import { PERSONAL, text, visitorFields } from 'src/crm/visitor-fields';

/** A CRM write a live conversation would have queued: the outbox operation and the payload it would carry. */
export interface DryRunCrmWrite {
  tool: CrmToolName;
  operation: 'upsert_contact' | 'create_deal';
  /** The made-up id the dry run answered with (`dry-run-contact-1`, `dry-run-deal-1`). */
  id: string;
  contactId?: string;
  /** Deals: their name and amount. */
  deal?: { name: string; amount?: number };
  fields: ContactFields;
}

const fail = (error: string): ToolResult => ({ ok: false, error });

/**
 * The CRM tools of one simulated conversation. Arguments are checked exactly as the live tools check them (the same
 * schema and visitor-field rules), but nothing reaches the outbox or the CRM: a contact or deal write answers at once
 * with a plausible id and is recorded in `writes`; a search finds only contacts this conversation "created".
 */
export class DryRunCrmTools extends CrmTools {
  readonly writes: DryRunCrmWrite[] = [];
  private readonly contacts: { id: string; email?: string; phone?: string }[] = [];
  private dealId: string | undefined;

  declarations(_businessId: string): Promise<ToolDeclaration[]> {
    return Promise.resolve([...CRM_TOOL_DECLARATIONS]);
  }

  execute(name: string, args: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
    const decl = CRM_TOOL_DECLARATIONS.find((d) => d.name === name);
    if (!decl) return Promise.resolve(fail(`unknown tool "${name}"`));
    const problem = checkToolArgs(decl, args ?? {});
    if (problem) return Promise.resolve(fail(problem));
    const tool = name as CrmToolName;
    switch (tool) {
      case 'search_contact':
        return Promise.resolve(this.search(args, ctx));
      case 'create_contact':
      case 'update_contact':
        return Promise.resolve(this.upsertContact(tool, args, ctx));
      case 'create_deal':
        return Promise.resolve(this.createDeal(args, ctx));
    }
  }

  private search(args: Record<string, unknown>, ctx: ToolCallContext): ToolResult {
    const checked = visitorFields(args, ctx.captured, ['email', 'phone']);
    if (typeof checked === 'string') return fail(checked);
    if (!checked.email && !checked.phone)
      return fail('The visitor has not given an email or phone yet; ask for one first.');
    const found = this.contacts.find(
      (c) => (checked.email && c.email === checked.email) || (checked.phone && c.phone === checked.phone),
    );
    return found ? { ok: true, contactId: found.id, data: { found: true } } : { ok: true, data: { found: false } };
  }

  private upsertContact(tool: CrmToolName, args: Record<string, unknown>, ctx: ToolCallContext): ToolResult {
    const checked = visitorFields(args, ctx.captured, PERSONAL);
    if (typeof checked === 'string') return fail(checked);
    if (!checked.email && !checked.phone)
      return fail('The visitor has not given an email or phone yet; ask for one first.');
    const fields: ContactFields = {
      ...checked,
      ...(text(args.message) ? { message: text(args.message) } : {}),
      source: ctx.channel,
      sessionId: ctx.sessionId,
    };
    const known = ctx.crm.contactId ? this.contacts.find((c) => c.id === ctx.crm.contactId) : undefined;
    const contact = known ?? { id: `dry-run-contact-${this.contacts.length + 1}` };
    if (!known) this.contacts.push(contact);
    contact.email = checked.email ?? contact.email;
    contact.phone = checked.phone ?? contact.phone;
    this.writes.push({
      tool,
      operation: 'upsert_contact',
      id: contact.id,
      ...(known ? { contactId: known.id } : {}),
      fields,
    });
    return { ok: true, contactId: contact.id, data: { saved: true } };
  }

  private createDeal(args: Record<string, unknown>, ctx: ToolCallContext): ToolResult {
    if (!ctx.crm.contactId) return fail('Create the contact first (create_contact), then the deal.');
    // One deal per conversation, as live: repeating the call answers with the same deal.
    if (this.dealId) return { ok: true, dealId: this.dealId, data: { saved: true } };
    this.dealId = 'dry-run-deal-1';
    const name = text(args.title)!.slice(0, 200);
    const amount =
      typeof args.amount === 'number' && args.amount >= 0 ? Math.round(args.amount * 100) / 100 : undefined;
    this.writes.push({
      tool: 'create_deal',
      operation: 'create_deal',
      id: this.dealId,
      contactId: ctx.crm.contactId,
      deal: { name, ...(amount !== undefined ? { amount } : {}) },
      fields: {
        ...(text(args.message) ? { message: text(args.message) } : {}),
        source: ctx.channel,
        sessionId: ctx.sessionId,
      },
    });
    return { ok: true, dealId: this.dealId, data: { saved: true } };
  }
}

/** Hands out dry-run CRM tools, one per simulated conversation (they remember its contacts and deal). */
@Injectable()
export class CrmDryRun {
  tools(): DryRunCrmTools {
    return new DryRunCrmTools();
  }
}
