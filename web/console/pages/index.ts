import type { ConsolePage } from '../page';
import { analyticsPage } from './analytics';
import { auditPage, platformAuditPage } from './audit';
import { businessesPage } from './businesses';
import { crmPage } from './crm';
import { ctaPage } from './cta';
import { designPage } from './design';
import { experimentsPage } from './experiments';
import { handoffsPage } from './handoffs';
import { keysPage } from './keys';
import { knowledgePage } from './knowledge';
import { rawPage } from './raw';
import { sessionListPage } from './session-list';
import { sessionsPage } from './sessions';
import { settingsPage } from './settings';
import { unansweredPage } from './unanswered';
import { voicePage } from './voice';
import { voiceMetricsPage } from './voice-metrics';

/** The console's pages in navigation order: a new page is one file exporting a ConsolePage, listed here. */
export const PAGES: readonly ConsolePage[] = [
  businessesPage,
  platformAuditPage,
  voiceMetricsPage,
  settingsPage,
  ctaPage,
  designPage,
  knowledgePage,
  crmPage,
  voicePage,
  analyticsPage,
  unansweredPage,
  experimentsPage,
  sessionListPage,
  sessionsPage,
  handoffsPage,
  keysPage,
  auditPage,
  rawPage,
];
