import type { LlmRequest, LlmResponse } from 'src/chat/llm-provider.port';
import { MAX_MODEL_CALLS, ToolLoop } from 'src/chat/pipeline/tool-loop';
import { InfraErrors } from 'src/common/errors/infra.errors';
import { CrmTools, ToolCallContext, ToolDeclaration, ToolResult } from 'src/crm/crm-tools.port';

const createContact: ToolDeclaration = {
  name: 'create_contact',
  description: 'Create the contact',
  parameters: {
    type: 'object',
    properties: { email: { type: 'string' }, firstName: { type: 'string' } },
    required: ['email'],
  },
};

class RecordingCrmTools extends CrmTools {
  executed: [string, Record<string, unknown>, ToolCallContext][] = [];
  constructor(private readonly result: ToolResult | Error = { ok: true, contactId: 'ct_1', data: { created: true } }) {
    super();
  }
  declarations(): Promise<ToolDeclaration[]> {
    return Promise.resolve([createContact]);
  }
  execute(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> {
    this.executed.push([name, args, context]);
    return this.result instanceof Error ? Promise.reject(this.result) : Promise.resolve(this.result);
  }
}

const request: LlmRequest = {
  systemInstruction: 'sys',
  turns: [{ role: 'user', text: 'hi' }],
  tools: [createContact],
  grounding: { passages: [], captured: {}, missing: [], businessName: 'Acme' },
};
const context: ToolCallContext = {
  businessId: 'acme',
  sessionId: 's-12345678',
  channel: 'chat',
  captured: {},
  crm: {},
};
const text = (t: string): LlmResponse => ({ text: t, toolCalls: [], finishReason: 'stop', provider: 'fake' });
const call = (args: Record<string, unknown>): LlmResponse => ({
  text: '',
  toolCalls: [{ id: 'call-1', name: 'create_contact', args }],
  finishReason: 'tool_calls',
  provider: 'fake',
});

describe(ToolLoop.name, () => {
  it('returns the model text directly when no tool is called', async () => {
    const sut = new ToolLoop(new RecordingCrmTools());
    const out = await sut.run(request, context, async () => text('Hello'));
    expect(out.text).toBe('Hello');
    expect(out.turns).toEqual([{ role: 'model', text: 'Hello' }]);
  });

  it('executes a valid call with the session context, feeds the result back and keeps the CRM ids', async () => {
    const crm = new RecordingCrmTools();
    const sut = new ToolLoop(crm);
    const seen: LlmRequest[] = [];
    const out = await sut.run(request, context, async (req, i) => {
      seen.push(req);
      return i === 0 ? call({ email: 'a@b.co' }) : text('Done');
    });
    expect(crm.executed).toEqual([['create_contact', { email: 'a@b.co' }, context]]);
    expect(out.crm).toEqual({ contactId: 'ct_1' });
    expect(seen[1].turns.at(-1)).toEqual({
      role: 'tool',
      results: [{ id: 'call-1', name: 'create_contact', response: { ok: true, data: { created: true } } }],
    });
    expect(seen[1].grounding.crm).toEqual({ contactId: 'ct_1' });
    expect(out.text).toBe('Done');
  });

  it('refuses arguments that do not match the schema without calling the tool', async () => {
    const crm = new RecordingCrmTools();
    const out = await new ToolLoop(crm).run(request, context, async (_r, i) =>
      i === 0 ? call({ firstName: 3 }) : text('ok'),
    );
    expect(crm.executed).toEqual([]);
    expect(out.executions[0].result.ok).toBe(false);
    expect(out.executions[0].result.error).toMatch(/Invalid arguments/);
  });

  it('reports a failing tool to the model instead of failing the turn', async () => {
    const out = await new ToolLoop(new RecordingCrmTools(new Error('boom'))).run(request, context, async (_r, i) =>
      i === 0 ? call({ email: 'a@b.co' }) : text('Sorry'),
    );
    expect(out.executions[0].result).toEqual({ ok: false, error: 'The tool is temporarily unavailable' });
  });

  it('fails the turn when the database is down rather than telling the model the tool failed', async () => {
    const outage = InfraErrors.databaseUnavailable();
    const sut = new ToolLoop(new RecordingCrmTools(outage));
    const model = jest
      .fn()
      .mockResolvedValueOnce(call({ email: 'a@b.co' }))
      .mockResolvedValue(text('Saved!'));
    await expect(sut.run(request, context, model)).rejects.toBe(outage);
    expect(model).toHaveBeenCalledTimes(1);
  });

  it('stops at the cap, making the last call without tools', async () => {
    const toolsPerCall: number[] = [];
    const out = await new ToolLoop(new RecordingCrmTools()).run(request, context, async (req) => {
      toolsPerCall.push(req.tools.length);
      return call({ email: 'a@b.co' });
    });
    expect(toolsPerCall).toEqual([...Array<number>(MAX_MODEL_CALLS - 1).fill(1), 0]);
    expect(out.executions).toHaveLength(MAX_MODEL_CALLS - 1);
  });
});
