import { randomUUID } from 'node:crypto';

import type { ChatSandbox } from 'src/chat/chat-sandbox.service';
import { AppError } from 'src/common/errors/app-error';
import type { CrmDryRun } from 'src/crm/crm-dry-run.service';
import { SimulationErrors } from 'src/simulation/simulation.errors';
import { InMemoryHandoffs, InMemoryTranscript } from 'src/simulation/simulation.sinks';
import type { SimulatedMessage, TurnTrace } from 'src/simulation/simulation.types';
import type { TenantConfig } from 'src/tenant/tenant-config';

/** Refuses the whole conversation before any turn runs when one of its messages would be refused by /chat. */
export function checkMessages(sandbox: ChatSandbox, business: TenantConfig, messages: readonly SimulatedMessage[]) {
  messages.forEach((m, i) => {
    try {
      sandbox.check(business, { message: m.message, ctaId: m.cta_id, metadata: m.metadata });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      throw SimulationErrors.invalidTurn(i, fieldOf(err), err.message);
    }
  });
}

function fieldOf(err: AppError): string {
  if (err.code === 'CHAT.INVALID_METADATA') return 'metadata';
  return err.code === 'CHAT.UNKNOWN_CTA' ? 'cta_id' : 'message';
}

/**
 * Runs one conversation through the real chat turn runner with nothing written: session state in process, the
 * transcript and hand-offs in memory, CRM tools dry-run. Each turn's trace is read from what the runner recorded.
 */
export async function simulateConversation(
  sandbox: ChatSandbox,
  crm: CrmDryRun,
  business: TenantConfig,
  messages: readonly SimulatedMessage[],
): Promise<TurnTrace[]> {
  const transcript = new InMemoryTranscript();
  const handoffs = new InMemoryHandoffs();
  const crmTools = crm.tools();
  const sessionId = `simulation-${randomUUID()}`;
  const conversation = sandbox.conversation(business, sessionId, { transcripts: transcript, handoffs, crmTools });
  const traces: TurnTrace[] = [];
  for (const [i, m] of messages.entries()) {
    const writesBefore = crmTools.writes.length;
    const handoffsBefore = handoffs.started.length;
    const reply = await conversation.send({ message: m.message, ctaId: m.cta_id, metadata: m.metadata });
    const recorded = transcript.turns[transcript.turns.length - 1]?.messages ?? [];
    const user = recorded.find((r) => r.role === 'user');
    const assistant = [...recorded].reverse().find((r) => r.role === 'assistant');
    const payload = assistant?.payload ?? {};
    const state = await conversation.state();
    const started = handoffs.started[handoffsBefore];
    traces.push({
      turn: i + 1,
      message: user && user.intent ? user.content : null,
      ctaId: m.cta_id ?? null,
      reply: reply.response,
      ctas: reply.ctas ?? [],
      sources: reply.sources ?? [],
      intent: user?.intent ?? null,
      sentiment: user?.sentiment ?? null,
      rulesFired: stringList(payload.rules),
      flow: flowOf(payload.flow),
      flowEnded: payload.flowEnded === true,
      captured: { ...(state?.captured ?? {}) } as Record<string, string>,
      tags: [...(state?.conversation.tags ?? [])],
      handoff: started ? { reason: started } : null,
      handedOff: await handoffs.isHandedOff(business.businessId, sessionId),
      crmWrites: crmTools.writes.slice(writesBefore),
    });
  }
  return traces;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function flowOf(value: unknown): TurnTrace['flow'] {
  const at = value as { flow?: unknown; state?: unknown } | undefined;
  return at && typeof at.flow === 'string' && typeof at.state === 'string' ? { id: at.flow, state: at.state } : null;
}
