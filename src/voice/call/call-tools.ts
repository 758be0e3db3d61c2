import type { FunctionCall, FunctionResponse } from '@google/genai';

import { knowledgeBlock } from 'src/conversation/knowledge-excerpts';
import type { CrmTools, ToolCallContext, ToolDeclaration } from 'src/crm/crm-tools.port';
import type { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';

export const SEARCH_KNOWLEDGE_TOOL: ToolDeclaration = {
  name: 'search_knowledge_base',
  description:
    "Search the business's knowledge base (website pages, documents) for facts to answer the caller. Use it before answering questions about the business.",
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: 'What to look up, in a few words' } },
    required: ['query'],
  },
};

/** Passage text sent back to the model; spoken answers need only the gist. */
const MAX_PASSAGE_CHARS = 600;

/**
 * Runs the model's function calls for one call, one after another, so a cancellation that arrives while an earlier
 * call runs prevents the later ones (no side effect for cancelled ids).
 */
export class CallTools {
  private readonly cancelled = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly crm: CrmTools,
    private readonly knowledge: KnowledgeRetriever,
    private readonly context: () => ToolCallContext,
    private readonly onCrmIds: (ids: { contactId?: string; dealId?: string }) => void,
  ) {}

  async declarations(businessId: string): Promise<ToolDeclaration[]> {
    return [...(await this.crm.declarations(businessId)), SEARCH_KNOWLEDGE_TOOL];
  }

  cancel(ids: string[]): void {
    for (const id of ids) this.cancelled.add(id);
  }

  /** Queues the batch; `respond` gets the responses of the calls that were not cancelled (none → not called). */
  run(calls: FunctionCall[], respond: (responses: FunctionResponse[]) => void): Promise<void> {
    this.chain = this.chain.then(async () => {
      const responses: FunctionResponse[] = [];
      for (const call of calls) {
        const id = call.id ?? '';
        if (this.cancelled.has(id)) continue;
        const response = await this.execute(call.name ?? '', call.args ?? {});
        if (this.cancelled.has(id)) continue;
        responses.push({ id, name: call.name, response });
      }
      if (responses.length) respond(responses);
    });
    return this.chain;
  }

  private async execute(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ctx = this.context();
    try {
      if (name === SEARCH_KNOWLEDGE_TOOL.name) {
        const query = typeof args.query === 'string' ? args.query.slice(0, 500) : '';
        if (!query.trim()) return { error: 'query is required' };
        const result = await this.knowledge.retrieve(ctx.businessId, query, { k: 4 });
        // Framed as in chat: delimited excerpts under a header that marks them untrusted, so a crawled page that
        // says "ignore your instructions" is read as data.
        return { confidence: result.confidence, excerpts: knowledgeBlock(result.passages, MAX_PASSAGE_CHARS) };
      }
      const result = await this.crm.execute(name, args, ctx);
      if (result.contactId || result.dealId) this.onCrmIds({ contactId: result.contactId, dealId: result.dealId });
      return {
        ok: result.ok,
        ...(result.data ? { data: result.data } : {}),
        ...(result.error ? { error: result.error } : {}),
      };
    } catch {
      // The model only learns that it failed; details stay in our logs via the adapters.
      return { error: 'the tool failed; apologise and offer to take a message' };
    }
  }
}
