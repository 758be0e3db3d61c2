import { ActiveKnowledge, Resolution, UnansweredRepository } from 'src/analytics/unanswered/unanswered.repository';
import { UnansweredService } from 'src/analytics/unanswered/unanswered.service';
import { clusterKey, normalizeQuestion, UnansweredQuestion } from 'src/analytics/unanswered/unanswered-clusters';
import { KnowledgeRetriever, RetrievalResult } from 'src/rag/knowledge-retriever.port';
import type { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { strictMock } from 'test/support/strict-mock';

const at = (iso: string) => new Date(iso);
const question = (text: string, when: string, sessionId = text): UnansweredQuestion => ({
  text,
  sessionId,
  at: at(when),
});
const key = (text: string) => clusterKey(normalizeQuestion(text));

const passage = { chunkId: 'c1', documentId: 'd1', url: null, title: null, text: 'x', score: 0.9 };

function build(options: {
  questions: UnansweredQuestion[];
  knowledge: ActiveKnowledge | null;
  resolutions?: Resolution[];
  confidence: (query: string) => number;
  ragMinConfidence?: number;
}) {
  const marked: { keys: string[]; version: string | null }[] = [];
  const searched: string[] = [];
  const business = {
    businessId: 'acme',
    businessName: 'Acme Plumbing',
    settings: options.ragMinConfidence === undefined ? undefined : { ragMinConfidence: options.ragMinConfidence },
  } as unknown as TenantConfig;
  const sut = new UnansweredService(
    strictMock<TenantService>({ get: () => Promise.resolve(business) }),
    strictMock<UnansweredRepository>({
      latestQuestions: () => Promise.resolve(options.questions),
      resolutions: () => Promise.resolve(options.resolutions ?? []),
      activeKnowledge: () => Promise.resolve(options.knowledge),
      markResolved: (_id: string, keys: string[], version: string | null) => {
        marked.push({ keys, version });
        return Promise.resolve();
      },
    }),
    strictMock<KnowledgeRetriever>({
      retrieve: (_id: string, query: string): Promise<RetrievalResult> => {
        searched.push(query);
        const confidence = options.confidence(query);
        return Promise.resolve({ passages: confidence > 0 ? [passage] : [], confidence, kbVersion: 2 });
      },
    }),
  );
  return { sut, marked, searched };
}

const KB = { id: 'kb-2', activatedAt: at('2026-11-20T00:00:00Z') };

describe(UnansweredService.name, () => {
  describe('recheck', () => {
    it("resolves a cluster whose every question now clears the tenant's threshold, leaving the others open", async () => {
      const { sut, marked } = build({
        questions: [
          question('do you work on weekends', '2026-11-10T00:00:00Z'),
          question('are you open at the weekend', '2026-11-11T00:00:00Z'),
          question('can I get a refund', '2026-11-12T00:00:00Z'),
        ],
        knowledge: KB,
        confidence: (q) => (q.includes('weekend') ? 0.5 : 0.45),
        ragMinConfidence: 0.48,
      });
      expect(await sut.recheck('acme', {})).toEqual({
        kbVersion: 'kb-2',
        checked: 2,
        resolved: 1,
        stillOpen: 1,
        askedSinceKbChange: 0,
        skipped: 0,
      });
      // Equal counts: the leader is the first in text order.
      expect(marked).toEqual([{ keys: [key('are you open at the weekend')], version: 'kb-2' }]);
    });

    it('needs every searched question of a cluster to be answered', async () => {
      const { sut, marked } = build({
        questions: [
          question('do you work on weekends', '2026-11-10T00:00:00Z', 'a'),
          question('do you work on weekends', '2026-11-10T01:00:00Z', 'b'),
          question('are you open at the weekend', '2026-11-11T00:00:00Z'),
        ],
        knowledge: KB,
        confidence: (q) => (q.startsWith('do you') ? 0.9 : 0.1),
      });
      expect((await sut.recheck('acme', {})).resolved).toBe(0);
      expect(marked).toEqual([{ keys: [], version: 'kb-2' }]);
    });

    it('does not search clusters asked since the active version went live, nor any without a knowledge base', async () => {
      const late = build({
        questions: [question('do you work on weekends', '2026-11-21T00:00:00Z')],
        knowledge: KB,
        confidence: () => 0.9,
      });
      expect(await late.sut.recheck('acme', {})).toMatchObject({ checked: 0, resolved: 0, askedSinceKbChange: 1 });
      expect(late.searched).toEqual([]);

      const none = build({
        questions: [question('do you work on weekends', '2026-11-10T00:00:00Z')],
        knowledge: null,
        confidence: () => 0.9,
      });
      expect(await none.sut.recheck('acme', {})).toMatchObject({ kbVersion: null, checked: 0, resolved: 0 });
      expect(none.searched).toEqual([]);
    });

    it('searches a question about the business itself the way chat does', async () => {
      const { sut, searched } = build({
        questions: [question('what does Acme do', '2026-11-10T00:00:00Z')],
        knowledge: KB,
        confidence: () => 0.9,
      });
      await sut.recheck('acme', {});
      expect(searched[0]).toContain('what does Acme do Acme Plumbing');
    });
  });

  describe('report', () => {
    it('reopens a resolved cluster once it goes unanswered again, and filters by status', async () => {
      const resolvedAt = at('2026-11-15T00:00:00Z');
      const { sut } = build({
        questions: [
          question('do you work on weekends', '2026-11-10T00:00:00Z'),
          question('can I get a refund', '2026-11-10T00:00:00Z'),
          question('can I get a refund', '2026-11-16T00:00:00Z', 'again'),
        ],
        knowledge: KB,
        resolutions: [
          { clusterKey: key('do you work on weekends'), kbVersionId: 'kb-2', resolvedAt },
          { clusterKey: key('can I get a refund'), kbVersionId: 'kb-2', resolvedAt },
        ],
        confidence: () => 0,
      });
      const all = await sut.report('acme', {});
      expect(all.clusters.map((c) => [c.example, c.resolved, c.resolvedAt])).toEqual([
        ['can I get a refund', false, null],
        ['do you work on weekends', true, resolvedAt.toISOString()],
      ]);
      expect((await sut.report('acme', { status: 'open' })).clusters.map((c) => c.example)).toEqual([
        'can I get a refund',
      ]);
      expect((await sut.report('acme', { status: 'resolved' })).totalClusters).toBe(1);
    });

    it('clusters at most the latest 5,000 questions and says when the range held more', async () => {
      const many = Array.from({ length: 5001 }, (_, i) =>
        question('do you work on weekends', new Date(Date.parse('2026-11-01T00:00:00Z') + i * 1000).toISOString()),
      );
      const capped = build({ questions: many, knowledge: null, confidence: () => 0 });
      expect(await capped.sut.report('acme', {})).toMatchObject({
        questionsConsidered: 5000,
        questionLimit: 5000,
        truncated: true,
        clusters: [expect.objectContaining({ count: 5000 }) as unknown],
      });
      const exact = build({ questions: many.slice(0, 5000), knowledge: null, confidence: () => 0 });
      expect(await exact.sut.report('acme', {})).toMatchObject({ questionsConsidered: 5000, truncated: false });
    });

    it('refuses an unknown status with a coded error', async () => {
      const { sut } = build({ questions: [], knowledge: null, confidence: () => 0 });
      await expect(sut.report('acme', { status: 'closed' })).rejects.toMatchObject({
        code: 'ANALYTICS.INVALID_PARAM',
      });
    });
  });
});
