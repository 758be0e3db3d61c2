/**
 * The notice published (PubSub) when a business's active knowledge-base version changes: search caches on every
 * instance drop the business's indexes, and analytics rechecks its unanswered questions.
 */
export const KB_VERSION_CHANNEL = 'kb:version-changed';

export interface KnowledgeVersionNotice {
  businessId: string;
  /** The active version now; null when the business has none. */
  version: number | null;
}
