import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { TimeRange } from 'src/analytics/analytics-query';
import type { UnansweredQuestion } from 'src/analytics/unanswered/unanswered-clusters';

export interface ActiveKnowledge {
  id: string;
  activatedAt: Date;
}

export interface Resolution {
  clusterKey: string;
  kbVersionId: string | null;
  resolvedAt: Date;
}

/**
 * The tenant's replies marked `unanswered` in the range, newest first (the partial index `messages_unanswered_idx`),
 * each with the visitor message it answered: the latest user message before it in the same conversation. The limit
 * applies before conversations are joined (by key, tenant first), so the index scan stops after `limit` replies;
 * joined first, the planner hashed every tenant's conversations for each report.
 */
const QUESTIONS_SQL = `
SELECT q.text, c.session_id AS "sessionId", q.at
FROM (
  SELECT u.content AS text, m.conversation_id, m.created_at AS at, m.id
  FROM messages m
  CROSS JOIN LATERAL (
    SELECT p.content FROM messages p
    WHERE p.conversation_id = m.conversation_id AND p.id < m.id AND p.role = 'user'
    ORDER BY p.id DESC LIMIT 1
  ) u
  WHERE m.business_id = $1 AND m.role = 'assistant' AND m.payload ? 'unanswered'
    AND m.created_at >= $2 AND m.created_at < $3
  ORDER BY m.created_at DESC, m.id DESC
  LIMIT $4
) q
JOIN conversations c ON c.business_id = $1 AND c.id = q.conversation_id
ORDER BY q.at DESC, q.id DESC`;

@Injectable()
export class UnansweredRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async latestQuestions(businessId: string, range: TimeRange, limit: number): Promise<UnansweredQuestion[]> {
    return (await this.dataSource.query(QUESTIONS_SQL, [
      businessId,
      range.from,
      range.to,
      limit,
    ])) as UnansweredQuestion[];
  }

  /**
   * The tenant's active knowledge-base version and when it went live. Read here, like the CRM tables the dashboard
   * reads, rather than through the rag module: the report only needs the time, never the index.
   */
  async activeKnowledge(businessId: string): Promise<ActiveKnowledge | null> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, coalesce(activated_at, created_at) AS "activatedAt"
       FROM kb_versions WHERE business_id = $1 AND is_active`,
      [businessId],
    )) as ActiveKnowledge[];
    return rows[0] ?? null;
  }

  async resolutions(businessId: string, clusterKeys: string[]): Promise<Resolution[]> {
    if (!clusterKeys.length) return [];
    return (await this.dataSource.query(
      `SELECT cluster_key AS "clusterKey", kb_version_id AS "kbVersionId", resolved_at AS "resolvedAt"
       FROM unanswered_resolutions WHERE business_id = $1 AND cluster_key = ANY ($2::text[])`,
      [businessId, clusterKeys],
    )) as Resolution[];
  }

  /** Marks clusters resolved now (again, for one resolved before and asked since), under the given KB version. */
  async markResolved(businessId: string, clusterKeys: string[], kbVersionId: string | null): Promise<void> {
    if (!clusterKeys.length) return;
    await this.dataSource.query(
      `INSERT INTO unanswered_resolutions (business_id, cluster_key, kb_version_id, resolved_at)
       SELECT $1, k, $3, now() FROM unnest($2::text[]) AS k
       ON CONFLICT (business_id, cluster_key)
       DO UPDATE SET kb_version_id = EXCLUDED.kb_version_id, resolved_at = EXCLUDED.resolved_at`,
      [businessId, clusterKeys, kbVersionId],
    );
  }
}
