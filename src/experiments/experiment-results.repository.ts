import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { GoalEvent } from 'src/experiments/experiment-config';

export interface VariantCounts {
  variantId: string;
  exposed: number;
  conversions: number;
}

/**
 * Whether a session converted after its first exposure: a goal event later in the session (a higher event id: a
 * goal reached in the very turn that exposed the variant came before the visitor saw the reply), or a CRM contact or
 * hand-off row created after the exposure.
 */
const CONVERTED: Record<GoalEvent['kind'], string> = {
  lead_captured: `EXISTS (SELECT 1 FROM analytics_events g WHERE g.business_id = $1 AND g.session_id = x.session_id
    AND g.type = 'lead_captured' AND g.id > x.id)`,
  appointment_clicked: `EXISTS (SELECT 1 FROM analytics_events g WHERE g.business_id = $1
    AND g.session_id = x.session_id AND g.type = 'cta_clicked' AND g.cta_link AND g.id > x.id)`,
  cta_clicked: `EXISTS (SELECT 1 FROM analytics_events g WHERE g.business_id = $1 AND g.session_id = x.session_id
    AND g.type = 'cta_clicked' AND g.cta_id = $3 AND g.id > x.id)`,
  // Engaged: at least two visitor messages, at least one of them after the exposure.
  engaged: `(SELECT count(*) FROM analytics_events g WHERE g.business_id = $1 AND g.session_id = x.session_id
    AND g.type = 'user_message') >= 2 AND EXISTS (SELECT 1 FROM analytics_events g WHERE g.business_id = $1
    AND g.session_id = x.session_id AND g.type = 'user_message' AND g.id > x.id)`,
  crm_contact_created: `EXISTS (SELECT 1 FROM crm_contacts k WHERE k.business_id = $1 AND k.session_id = x.session_id
    AND k.created_at > x.created_at)`,
  handoff: `EXISTS (SELECT 1 FROM handoffs h WHERE h.business_id = $1 AND h.session_id = x.session_id
    AND h.created_at > x.created_at)`,
};

/** Exposures and conversions of one experiment, per variant, read from the tenant's analytics events. */
@Injectable()
export class ExperimentResultsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async countByVariant(businessId: string, experimentId: string, goal: GoalEvent): Promise<VariantCounts[]> {
    // A session counts once, in the variant of its first exposure (partial index analytics_events_exposure_idx).
    const sql = `
      WITH x AS (
        SELECT DISTINCT ON (session_id) session_id, id, created_at, payload->>'variantId' AS variant_id
        FROM analytics_events
        WHERE business_id = $1 AND type = 'experiment_exposure' AND payload->>'experimentId' = $2
        ORDER BY session_id, id
      )
      SELECT variant_id AS "variantId", count(*)::int AS exposed,
             count(*) FILTER (WHERE ${CONVERTED[goal.kind]})::int AS conversions
      FROM x GROUP BY variant_id`;
    const params = [businessId, experimentId, ...(goal.kind === 'cta_clicked' ? [goal.ctaId] : [])];
    return this.dataSource.query<VariantCounts[]>(sql, params);
  }
}
