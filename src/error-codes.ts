import { HttpStatus } from '@nestjs/common';

import { AccessErrorCatalogue } from 'src/access/access.errors';
import { AnalyticsErrorCatalogue } from 'src/analytics/analytics.errors';
import { ChatErrorCatalogue } from 'src/chat/chat.errors';
import { LlmErrorCatalogue } from 'src/chat/providers/llm.errors';
import { RateLimitErrorCatalogue } from 'src/chat/rate-limit/rate-limit.errors';
import { AuthErrorCatalogue } from 'src/common/auth/auth.errors';
import { CryptoErrorCatalogue } from 'src/common/crypto/crypto.errors';
import { ErrorCode, RegisteredErrorSpec } from 'src/common/errors/error-catalogue';
import { statusForKind } from 'src/common/errors/http-status';
import { InfraErrorCatalogue } from 'src/common/errors/infra.errors';
import { HttpErrorCatalogue } from 'src/common/http/http.errors';
import { CrmErrorCatalogue } from 'src/crm/crm.errors';
import { ExperimentsErrorCatalogue } from 'src/experiments/experiments.errors';
import { GeminiErrorCatalogue } from 'src/gemini/gemini.errors';
import { HandoffErrorCatalogue } from 'src/handoff/handoff.errors';
import { SiteCrawlerErrorCatalogue } from 'src/rag/crawl/site-crawler.errors';
import { KnowledgeErrorCatalogue } from 'src/rag/knowledge.errors';
import { DocumentParserErrorCatalogue } from 'src/rag/parsing/document-parser.errors';
import { RagSearchErrorCatalogue } from 'src/rag/rag-search.errors';
import { SessionErrorCatalogue } from 'src/session/session.errors';
import { SimulationErrorCatalogue } from 'src/simulation/simulation.errors';
import { TenantErrorCatalogue } from 'src/tenant/tenant.errors';
import { VoiceErrorCatalogue } from 'src/voice/voice.errors';

/**
 * Every module's error catalogue, in the order the README's error table lists them. A module that declares a
 * catalogue adds it here; until it does, `new AppError(...)` with one of its entries does not compile.
 */
export const ERROR_CATALOGUES = {
  HTTP: HttpErrorCatalogue,
  INFRA: InfraErrorCatalogue,
  AUTH: AuthErrorCatalogue,
  ACCESS: AccessErrorCatalogue,
  TENANT: TenantErrorCatalogue,
  CHAT: ChatErrorCatalogue,
  RATE_LIMIT: RateLimitErrorCatalogue,
  SESSION: SessionErrorCatalogue,
  LLM: LlmErrorCatalogue,
  GEMINI: GeminiErrorCatalogue,
  KB: KnowledgeErrorCatalogue,
  RAG_SEARCH: RagSearchErrorCatalogue,
  RAG_PARSING: DocumentParserErrorCatalogue,
  RAG_CRAWL: SiteCrawlerErrorCatalogue,
  CRM: CrmErrorCatalogue,
  HANDOFF: HandoffErrorCatalogue,
  CRYPTO: CryptoErrorCatalogue,
  VOICE: VoiceErrorCatalogue,
  ANALYTICS: AnalyticsErrorCatalogue,
  EXPERIMENTS: ExperimentsErrorCatalogue,
  SIMULATION: SimulationErrorCatalogue,
} as const;

type Catalogues = typeof ERROR_CATALOGUES;

/** The union of every entry a module declares; `ErrorCode` is the union of their codes. */
type AppErrorSpec = { [M in keyof Catalogues]: Catalogues[M][keyof Catalogues[M]] }[keyof Catalogues];

declare module 'src/common/errors/error-catalogue' {
  interface ErrorCodeRegistry {
    readonly spec: AppErrorSpec;
  }
}

/** Every declared error, flattened in catalogue order. */
export const ALL_ERRORS: readonly RegisteredErrorSpec[] = Object.values(ERROR_CATALOGUES).flatMap((catalogue) =>
  Object.values<RegisteredErrorSpec>(catalogue),
);

/**
 * The HTTP status of every code. A code cannot lack one: the compiler refuses a catalogue entry without a kind, and
 * `statusForKind` is an exhaustive switch over kinds. `src/error-codes.spec.ts` checks the keys are exactly the codes.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, HttpStatus>> = Object.freeze(
  Object.fromEntries(ALL_ERRORS.map((spec) => [spec.code, statusForKind(spec.kind)])) as Record<ErrorCode, HttpStatus>,
);
