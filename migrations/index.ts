import { CreateBusinesses1764000000000 } from './1764000000000-create-businesses';
import { CreateConversations1764000100000 } from './1764000100000-create-conversations';
import { CreateKnowledgeBase1764000200000 } from './1764000200000-create-knowledge-base';
import { KbJobHeartbeat1764000200001 } from './1764000200001-kb-job-heartbeat';
import { CreateCrm1764000300000 } from './1764000300000-create-crm';
import { CreateVoiceConfig1764000400000 } from './1764000400000-create-voice-config';
import { CrmContactNotes1764000700000 } from './1764000700000-crm-contact-notes';
import { CreateAccess1764001000000 } from './1764001000000-create-access';
import { IntentsSentimentTimezone1764107000000 } from './1764107000000-intents-sentiment-timezone';
import { PromptProfiles1764110000000 } from './1764110000000-prompt-profiles';
import { Flows1764110001000 } from './1764110001000-flows';
import { Handoff1764111000000 } from './1764111000000-handoff';
import { AnalyticsIndexes1764112000000 } from './1764112000000-analytics-indexes';
import { Experiments1764220000001 } from './1764220000001-experiments';
import { UnansweredAndRetention1764230000001 } from './1764230000001-unanswered-and-retention';
import { Catalog1764240000001 } from './1764240000001-catalog';
import { ConversationTests1764250000001 } from './1764250000001-conversation-tests';
import { AnalyticsCacheAndHandoffs1764290000001 } from './1764290000001-analytics-cache-and-handoffs';
import { TranscriptSearchPendingList1764300000001 } from './1764300000001-transcript-search-pending-list';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list works from
 * TypeScript in tests and from compiled JavaScript in production.
 */
export const migrations = [
  CreateBusinesses1764000000000,
  CreateConversations1764000100000,
  CreateKnowledgeBase1764000200000,
  KbJobHeartbeat1764000200001,
  CreateCrm1764000300000,
  CreateVoiceConfig1764000400000,
  CrmContactNotes1764000700000,
  CreateAccess1764001000000,
  IntentsSentimentTimezone1764107000000,
  PromptProfiles1764110000000,
  Flows1764110001000,
  Handoff1764111000000,
  AnalyticsIndexes1764112000000,
  Experiments1764220000001,
  UnansweredAndRetention1764230000001,
  Catalog1764240000001,
  ConversationTests1764250000001,
  AnalyticsCacheAndHandoffs1764290000001,
  TranscriptSearchPendingList1764300000001,
];
