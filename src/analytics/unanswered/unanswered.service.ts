import { Injectable, Logger } from '@nestjs/common';

import { parseRange, RawQuery } from 'src/analytics/analytics-query';
import { UnansweredClusterDto, UnansweredRecheckDto, UnansweredReportDto } from 'src/analytics/dto/unanswered.dto';
import { ActiveKnowledge, Resolution, UnansweredRepository } from 'src/analytics/unanswered/unanswered.repository';
import { CLUSTER_SIMILARITY, clusterQuestions, QuestionCluster } from 'src/analytics/unanswered/unanswered-clusters';
import { parseUnansweredQuery } from 'src/analytics/unanswered/unanswered-query';
import { LocalEmbeddingProvider } from 'src/rag/embeddings/local-embedding.provider';
import { DEFAULT_MIN_CONFIDENCE, KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { retrievalQuery } from 'src/rag/search/retrieval-query';
import { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';

/** The latest questions of the range that are clustered: bounds the read and the clustering (~100 ms at the cap). */
export const MAX_QUESTIONS = 5000;
const QUESTIONS_SHOWN = 10;
const SESSIONS_SHOWN = 10;
/** A recheck searches at most this many open clusters (the largest), this many distinct questions each. */
const RECHECK_MAX_CLUSTERS = 100;
const RECHECK_QUESTIONS_PER_CLUSTER = 5;
const RECHECK_CONCURRENCY = 4;
/** As chat grounding asks for them (GroundingStep). */
const PASSAGES_PER_QUESTION = 4;

interface Judged {
  cluster: QuestionCluster;
  resolution: Resolution | null;
}

/**
 * The questions the assistant could not answer, clustered by similarity, and their resolution by knowledge-base
 * changes. Clustering uses the local hashed embedder whatever EMBEDDING_PROVIDER is: deterministic, free, no model
 * call per report (see CLUSTER_SIMILARITY for what it does and does not group).
 */
@Injectable()
export class UnansweredService {
  private readonly logger = new Logger('UnansweredQuestions');
  private readonly embedder = new LocalEmbeddingProvider();

  constructor(
    private readonly tenants: TenantService,
    private readonly repository: UnansweredRepository,
    private readonly retriever: KnowledgeRetriever,
  ) {}

  async report(businessId: string, raw: RawQuery): Promise<UnansweredReportDto> {
    const query = parseUnansweredQuery(raw, new Date());
    await this.tenants.get(businessId);
    const { clusters, considered, truncated } = await this.clusters(businessId, query);
    const judged = await this.judge(businessId, clusters);
    const shown = judged.filter(({ cluster, resolution }) => {
      if (query.status === 'all') return true;
      return isResolved(cluster, resolution) === (query.status === 'resolved');
    });
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      status: query.status,
      similarityThreshold: CLUSTER_SIMILARITY,
      questionsConsidered: considered,
      questionLimit: MAX_QUESTIONS,
      truncated,
      totalClusters: shown.length,
      clusters: shown.slice(0, query.limit).map(toDto),
    };
  }

  /**
   * Searches the open clusters' questions again in the knowledge base, as chat grounding does (same query rewrite,
   * same passages, the tenant's confidence threshold), and marks resolved the clusters whose every searched
   * question now finds passages above it. Only clusters last asked before the active version went live are
   * searched: one asked (and unanswered) since is not answered by this knowledge base, whatever retrieval finds
   * (a "don't know" reply may have had passages that did not hold the answer).
   */
  async recheck(businessId: string, raw: RawQuery): Promise<UnansweredRecheckDto> {
    const range = parseRange(raw, new Date());
    const business = await this.tenants.get(businessId);
    const { clusters } = await this.clusters(businessId, range);
    const open = (await this.judge(businessId, clusters)).filter((j) => !isResolved(j.cluster, j.resolution));
    const knowledge = await this.repository.activeKnowledge(businessId);
    const candidates = open.filter((j) => knowledge && j.cluster.lastSeen < knowledge.activatedAt);
    const checked = candidates.slice(0, RECHECK_MAX_CLUSTERS);
    const answered = await this.answeredClusters(business, checked, knowledge);
    await this.repository.markResolved(businessId, answered, knowledge?.id ?? null);
    const result = {
      kbVersion: knowledge?.id ?? null,
      checked: checked.length,
      resolved: answered.length,
      stillOpen: checked.length - answered.length,
      askedSinceKbChange: open.length - candidates.length,
      skipped: candidates.length - checked.length,
    };
    this.logger.log({ event: 'unanswered_recheck', businessId, ...result });
    return result;
  }

  private async clusters(
    businessId: string,
    range: { from: Date; to: Date },
  ): Promise<{ clusters: QuestionCluster[]; considered: number; truncated: boolean }> {
    // One more than the cap tells a range of exactly MAX_QUESTIONS from one the cap cut.
    const rows = await this.repository.latestQuestions(businessId, range, MAX_QUESTIONS + 1);
    const questions = rows.slice(0, MAX_QUESTIONS);
    return {
      clusters: clusterQuestions(questions, (text) => this.embedder.embedOne(text)),
      considered: questions.length,
      truncated: rows.length > MAX_QUESTIONS,
    };
  }

  private async judge(businessId: string, clusters: QuestionCluster[]): Promise<Judged[]> {
    const resolutions = new Map(
      (
        await this.repository.resolutions(
          businessId,
          clusters.map((c) => c.key),
        )
      ).map((r) => [r.clusterKey, r]),
    );
    return clusters.map((cluster) => ({ cluster, resolution: resolutions.get(cluster.key) ?? null }));
  }

  private async answeredClusters(
    business: TenantConfig,
    checked: Judged[],
    knowledge: ActiveKnowledge | null,
  ): Promise<string[]> {
    if (!knowledge) return [];
    const threshold = business.settings?.ragMinConfidence ?? DEFAULT_MIN_CONFIDENCE;
    const answers = async (question: string): Promise<boolean> => {
      const query = retrievalQuery(question, business.businessName);
      const result = await this.retriever.retrieve(business.businessId, query, { k: PASSAGES_PER_QUESTION });
      return result.confidence >= threshold && result.passages.length > 0;
    };
    const answered: string[] = [];
    // A few clusters at a time: a recheck of 100 clusters must not take every search slot of the instance.
    for (let i = 0; i < checked.length; i += RECHECK_CONCURRENCY) {
      const batch = checked.slice(i, i + RECHECK_CONCURRENCY);
      const verdicts = await Promise.all(
        batch.map(async ({ cluster }) => {
          for (const member of cluster.members.slice(0, RECHECK_QUESTIONS_PER_CLUSTER)) {
            if (!(await answers(member.text))) return false;
          }
          return true;
        }),
      );
      batch.forEach(({ cluster }, n) => verdicts[n] && answered.push(cluster.key));
    }
    return answered;
  }
}

/** Resolved by a recheck, and not asked (unanswered) again since: a new unanswered occurrence reopens it. */
function isResolved(cluster: QuestionCluster, resolution: Resolution | null): boolean {
  return resolution !== null && cluster.lastSeen <= resolution.resolvedAt;
}

function toDto({ cluster, resolution }: Judged): UnansweredClusterDto {
  const resolved = isResolved(cluster, resolution);
  return {
    key: cluster.key,
    example: cluster.example,
    count: cluster.count,
    questions: cluster.members.slice(0, QUESTIONS_SHOWN),
    sessionCount: cluster.sessionIds.length,
    sessionIds: cluster.sessionIds.slice(0, SESSIONS_SHOWN),
    firstSeen: cluster.firstSeen.toISOString(),
    lastSeen: cluster.lastSeen.toISOString(),
    resolved,
    resolvedAt: resolved && resolution ? resolution.resolvedAt.toISOString() : null,
    resolvedKbVersion: resolved && resolution ? resolution.kbVersionId : null,
  };
}
