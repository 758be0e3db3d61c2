import { Injectable, Logger } from '@nestjs/common';
import Ajv, { ValidateFunction } from 'ajv';

import type { LlmRequest, LlmResponse, LlmToolCall, LlmToolResult, LlmTurn } from 'src/chat/llm-provider.port';
import { isUnavailableError } from 'src/common/errors/infra.errors';
import { CrmTools, ToolCallContext, ToolDeclaration, ToolResult } from 'src/crm/crm-tools.port';

/** Model calls per turn; the last one is made without tools so the model has to answer in words. */
export const MAX_MODEL_CALLS = 4;

export interface ToolExecution {
  name: string;
  args: Record<string, unknown>;
  result: ToolResult;
}

export interface ToolLoopOutcome {
  /** Text of every model call in the turn, joined (usually only the last one has text). */
  text: string;
  final: LlmResponse;
  /** Model and tool turns produced during the loop, to append to the history. */
  turns: LlmTurn[];
  executions: ToolExecution[];
  crm: ToolCallContext['crm'];
}

export type ModelCall = (request: LlmRequest, iteration: number) => Promise<LlmResponse>;

export function joinTexts(texts: string[]): string {
  return texts.filter((t) => t.trim()).join(' ');
}

/**
 * Step 7. Calls the model, executes the tools it asks for (arguments checked against each tool's JSON schema
 * first), feeds the results back, and repeats up to the cap. Tools run with the session's context, never with ids
 * the model made up.
 */
@Injectable()
export class ToolLoop {
  private readonly logger = new Logger('ToolLoop');
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly crmTools: CrmTools) {}

  async declarations(businessId: string): Promise<ToolDeclaration[]> {
    try {
      return await this.crmTools.declarations(businessId);
    } catch (err) {
      this.logger.warn({ businessId, err: (err as Error).message }, 'tool declarations unavailable');
      return [];
    }
  }

  async run(request: LlmRequest, context: ToolCallContext, callModel: ModelCall): Promise<ToolLoopOutcome> {
    const turns: LlmTurn[] = [];
    const texts: string[] = [];
    const executions: ToolExecution[] = [];
    const crm = { ...context.crm };
    for (let iteration = 0; ; iteration++) {
      const last = iteration === MAX_MODEL_CALLS - 1;
      const tools = last ? [] : request.tools;
      const response = await callModel(
        { ...request, tools, turns: [...request.turns, ...turns], grounding: { ...request.grounding, crm } },
        iteration,
      );
      texts.push(response.text);
      const calls = tools.length ? response.toolCalls : [];
      turns.push({
        role: 'model',
        ...(response.text ? { text: response.text } : {}),
        ...(calls.length ? { toolCalls: calls } : {}),
      });
      if (!calls.length) return { text: joinTexts(texts), final: response, turns, executions, crm };
      const results: LlmToolResult[] = [];
      for (const call of calls) {
        const result = await this.execute(call, tools, { ...context, crm: { ...crm } });
        if (result.contactId) crm.contactId = result.contactId;
        if (result.dealId) crm.dealId = result.dealId;
        executions.push({ name: call.name, args: call.args, result });
        results.push({ id: call.id, name: call.name, response: modelView(result) });
      }
      turns.push({ role: 'tool', results });
    }
  }

  private async execute(call: LlmToolCall, tools: ToolDeclaration[], context: ToolCallContext): Promise<ToolResult> {
    const declaration = tools.find((t) => t.name === call.name);
    if (!declaration) return { ok: false, error: `Unknown tool "${call.name}"` };
    const validate = this.validatorFor(declaration);
    if (!validate(call.args ?? {})) {
      const problems = (validate.errors ?? []).map(
        (e) => `${e.instancePath || 'arguments'} ${e.message ?? 'is invalid'}`,
      );
      return { ok: false, error: `Invalid arguments: ${problems.join('; ')}` };
    }
    try {
      return await this.crmTools.execute(call.name, call.args ?? {}, context);
    } catch (err) {
      // A write the visitor was told about must not be lost: an outage fails the turn instead of a tool error.
      if (isUnavailableError(err)) throw err;
      this.logger.warn(
        { businessId: context.businessId, tool: call.name, err: (err as Error).message },
        'tool call failed',
      );
      return { ok: false, error: 'The tool is temporarily unavailable' };
    }
  }

  private validatorFor(declaration: ToolDeclaration): ValidateFunction {
    const key = `${declaration.name}:${JSON.stringify(declaration.parameters)}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(declaration.parameters);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** What the model reads back: the outcome, never CRM internals beyond what the tool chose to expose. */
function modelView(result: ToolResult): Record<string, unknown> {
  return {
    ok: result.ok,
    ...(result.data ? { data: result.data } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...(result.queued ? { queued: true } : {}),
  };
}
