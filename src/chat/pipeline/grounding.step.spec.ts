import { GroundingStep, sourcesOf } from 'src/chat/pipeline/grounding.step';
import { KnowledgeRetriever, RetrievalResult, RetrievedPassage } from 'src/rag/knowledge-retriever.port';
import type { TenantConfig } from 'src/tenant/tenant-config';

const passage = (n: number, url: string | null = `https://acme.example.com/p${n}`): RetrievedPassage => ({
  chunkId: `c${n}`,
  documentId: `d${n}`,
  url,
  title: `Page ${n}`,
  text: `Passage ${n} text.`,
  score: 0.9,
});

class StubRetriever extends KnowledgeRetriever {
  calls: [string, string][] = [];
  constructor(private readonly result: RetrievalResult | Error) {
    super();
  }
  retrieve(businessId: string, query: string): Promise<RetrievalResult> {
    this.calls.push([businessId, query]);
    return this.result instanceof Error ? Promise.reject(this.result) : Promise.resolve(this.result);
  }
  activeVersionId(): Promise<string | null> {
    return Promise.resolve(null);
  }
}

const business = (settings = {}) => ({ businessId: 'acme', settings }) as TenantConfig;

describe(GroundingStep.name, () => {
  it('returns the passages for the tenant when confidence clears the threshold', async () => {
    const retriever = new StubRetriever({ passages: [passage(1)], confidence: 0.8, kbVersion: 1 });
    const sut = new GroundingStep(retriever);
    expect(await sut.retrieve(business(), 'hours?')).toHaveLength(1);
    expect(retriever.calls).toEqual([['acme', 'hours?']]);
  });

  it('treats low confidence as no answer, with the tenant threshold taking precedence', async () => {
    const sut = new GroundingStep(new StubRetriever({ passages: [passage(1)], confidence: 0.5, kbVersion: 1 }));
    expect(await sut.retrieve(business({ ragMinConfidence: 0.6 }), 'q')).toEqual([]);
    expect(await sut.retrieve(business(), 'q')).toHaveLength(1);
  });

  it('answers without grounding when retrieval fails', async () => {
    expect(await new GroundingStep(new StubRetriever(new Error('down'))).retrieve(business(), 'q')).toEqual([]);
  });
});

describe(sourcesOf.name, () => {
  it('lists each url once and skips passages without one', () => {
    expect(sourcesOf([passage(1), { ...passage(2), url: 'https://acme.example.com/p1' }, passage(3, null)])).toEqual([
      { title: 'Page 1', url: 'https://acme.example.com/p1', chunkId: 'c1' },
    ]);
  });
});
