import { Logger } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === true || value === 'true' || value === '1';
/** Strict: true/1 or false/0, unset or empty keeps `fallback`, anything else is left for @IsBoolean to refuse. */
const toBoolOr =
  (fallback: boolean) =>
  ({ value }: { value: unknown }) => {
    if (value === undefined || value === '') return fallback;
    if (value === true || value === 'true' || value === '1') return true;
    if (value === false || value === 'false' || value === '0') return false;
    return value;
  };
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export const LLM_PROVIDERS = ['gemini', 'offline'] as const;
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRoleName = (typeof APP_ROLES)[number];
export const EMBEDDING_PROVIDERS = ['gemini', 'local'] as const;

/**
 * Every variable the platform reads. `.env.example` documents each one with its default;
 * `validateEnv` refuses to start on the first invalid value and names the variable.
 */
export class EnvSchema {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  /**
   * What this process does (src/config/app-role.ts): `api` serves HTTP and media streams and runs no background loop,
   * `worker` runs the background loops and serves only the health probes, `all` does both (a single instance).
   */
  @IsIn(APP_ROLES)
  APP_ROLE: AppRoleName = 'all';

  /**
   * After SIGTERM, how long the instance keeps serving (readiness already 503) before it stops accepting connections,
   * for the load balancer to notice. Default: 5000 in production, 0 elsewhere.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_DELAY_MS!: number;

  /** After the listener closed, how long live calls (and requests in flight) may run before they are ended. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  SHUTDOWN_CALL_GRACE_S = 20;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /**
   * Whether start-up applies pending migrations. Set false where a deploy step runs them once (`npm run migrate`, or
   * `node dist/src/migrate.js` as a Kubernetes Job): start-up then only checks the schema is current and refuses an older one.
   */
  @Transform(toBoolOr(true))
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  // Every key and pub/sub channel starts with this, so deployments sharing a Redis (pub/sub ignores the db number)
  // never touch each other. No glob characters (it goes into SCAN patterns) and no braces (Cluster hash tags).
  @Matches(/^[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*:$/, {
    message:
      'REDIS_KEY_PREFIX must be letters, digits, ".", "_" or "-" in ":"-separated parts ending with ":", e.g. concierge:',
  })
  @MaxLength(64)
  REDIS_KEY_PREFIX = 'concierge:';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'ADMIN_API_KEY must be at least 24 characters (npm run admin-key makes one)' })
  ADMIN_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\s*\[.*\]\s*$/s, {
    message: 'ALLOWED_ORIGINS must be a JSON array of origins, e.g. ["https://example.com"]',
  })
  ALLOWED_ORIGINS = '[]';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  GEMINI_API_KEY?: string;

  /** Who answers chat turns (and re-ranks passages). Required in production; elsewhere follows GEMINI_API_KEY. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LLM_PROVIDERS)
  LLM_PROVIDER!: (typeof LLM_PROVIDERS)[number];

  /** Who reads each user message's intent and sentiment. Unset: follows LLM_PROVIDER. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LLM_PROVIDERS)
  INTENT_PROVIDER!: (typeof LLM_PROVIDERS)[number];

  /** Who embeds knowledge-base chunks and questions. Required in production; elsewhere follows GEMINI_API_KEY. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(EMBEDDING_PROVIDERS)
  EMBEDDING_PROVIDER!: (typeof EMBEDDING_PROVIDERS)[number];

  @IsString()
  @MinLength(1)
  GEMINI_MODEL = 'gemini-2.5-flash';

  @IsString()
  @MinLength(1)
  GEMINI_LIVE_MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025';

  @IsString()
  @MinLength(1)
  GEMINI_EMBEDDING_MODEL = 'gemini-embedding-001';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'GEMINI_BASE_URL must be an http(s) URL' })
  GEMINI_BASE_URL?: string;

  /** Consecutive Gemini outages, across chat, embeddings, re-ranking and Live, that open the shared breaker. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  GEMINI_BREAKER_THRESHOLD = 5;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  GEMINI_BREAKER_HALF_OPEN_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  SESSION_TTL_SECONDS = 604800;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  MAX_HISTORY_TURNS = 20;

  /** Seconds a visitor-independent model reply is reused for the same question (see ResponseCache); 0 disables. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86400)
  RESPONSE_CACHE_TTL_S = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  MAX_MESSAGE_CHARS = 2000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'PUBLIC_BASE_URL must be an http(s) URL' })
  PUBLIC_BASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = '.data';

  @Matches(/^\d+(b|kb|mb)$/, { message: 'BODY_LIMIT must look like 1mb or 512kb' })
  BODY_LIMIT = '1mb';

  @Matches(/^\d+(b|kb|mb)$/, { message: 'KB_BODY_LIMIT must look like 20mb' })
  KB_BODY_LIMIT = '20mb';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  CHAT_RATE_LIMIT_PER_MINUTE = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  CHAT_IP_RATE_LIMIT_PER_MINUTE = 60;

  /** Chat requests per minute per client IP across all tenants, checked before any tenant lookup; 0 disables. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CHAT_IP_RATE_LIMIT_ALL_TENANTS_PER_MINUTE = 300;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\s*\[.*\]\s*$/s, { message: 'TRUSTED_PROXIES must be a JSON array of addresses or CIDRs' })
  TRUSTED_PROXIES = '[]';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  DEFAULT_APPOINTMENT_LINK = 'https://calendly.com/';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/=_-]{32,}$/, { message: 'CRM_ENCRYPTION_KEY must be a base64 or hex key of 32 bytes' })
  CRM_ENCRYPTION_KEY?: string;

  /** HMAC key of the visitor session tokens (src/session/session-tokens.ts); any string of at least 32 characters. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SESSION_TOKEN_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)' })
  SESSION_TOKEN_SECRET?: string;

  /**
   * Let every outbound URL a tenant or administrator supplies (site crawls, CRM APIs and webhooks, any added later)
   * reach private, loopback and link-local addresses: local fakes in tests only, refused when NODE_ENV=production.
   */
  @Transform(toBool)
  @IsBoolean()
  OUTBOUND_ALLOW_PRIVATE_URLS = false;

  /** Deprecated alias of OUTBOUND_ALLOW_PRIVATE_URLS, read for one release; validateEnv folds it in. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  KB_CRAWL_ALLOW_PRIVATE?: boolean;

  // --- Knowledge base (src/rag) ---
  /** Knowledge-base versions kept per tenant for rollback (the active one is always kept). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  KB_MAX_VERSIONS = 20;

  /** Ingestion jobs one instance runs at the same time. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  KB_JOB_CONCURRENCY = 2;

  /** Whether this process runs ingestion jobs (off for API-only instances and the kb:ingest CLI). */
  @Transform(toBool)
  @IsBoolean()
  KB_JOBS_WORKER = true;

  /**
   * BullMQ's job lock: renewed every half of it while a worker runs the job, so a job whose worker died is picked up
   * by another between one and two of these after the death (the lock lapses, then the next stalled-job check).
   */
  @Transform(toInt)
  @IsInt()
  @Min(2000)
  @Max(600000)
  KB_JOB_LOCK_MS = 30000;

  /** How often a worker instance re-queues jobs still queued in Postgres (e.g. their enqueue failed); 0 disables. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  KB_JOB_SWEEP_MS = 30000;

  // --- RAG keyword index (src/rag/search) ---
  /** Memory for tenants' in-memory keyword (BM25) indexes, estimated; 0 keeps keyword search in Postgres. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65536)
  KB_KEYWORD_INDEX_CACHE_MB = 64;

  /** Tenants serving more chunks than this keep keyword search in Postgres instead of an in-memory index. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  KB_KEYWORD_INDEX_MAX_CHUNKS = 50000;

  // --- RAG search infrastructure: vector index (src/rag/index) ---
  /**
   * MiB of vector indexes one instance keeps in memory (estimated native size, held by the index worker thread); the
   * least recently used beyond it are freed and reopen from disk.
   */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  @Max(1048576)
  KB_INDEX_CACHE_MB = 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  EMBEDDED_PG_PORT = 54329;

  // --- CRM (src/crm, src/common/crypto) ---
  /** Retired CRM_ENCRYPTION_KEY values (comma-separated) still accepted for decryption after a rotation. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/=_-]{32,}(\s*,\s*[A-Za-z0-9+/=_-]{32,})*$/, {
    message: 'CRM_ENCRYPTION_PREVIOUS_KEYS must be a comma-separated list of 32-byte base64 or hex keys',
  })
  CRM_ENCRYPTION_PREVIOUS_KEYS?: string;

  /** How long a tool call waits on the CRM before answering `queued: true` and leaving the write to the outbox. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(30000)
  CRM_SYNC_TIMEOUT_MS = 1500;

  /** Deprecated alias of OUTBOUND_ALLOW_PRIVATE_URLS, read for one release; validateEnv folds it in. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  CRM_ALLOW_PRIVATE_URLS?: boolean;

  /** Per-request timeout of every outbound CRM HTTP call. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120000)
  CRM_HTTP_TIMEOUT_MS = 10000;

  /** Attempts (including the first) before an outbox item is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  CRM_OUTBOX_MAX_ATTEMPTS = 8;

  /** First retry delay; doubles per attempt (equal jitter), capped at one hour. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  CRM_OUTBOX_BASE_DELAY_MS = 2000;

  /** Days a delivered outbox item (which holds the visitor's details) is kept for audit before deletion. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CRM_OUTBOX_RETENTION_DAYS = 30;

  /** How often the outbox worker polls for due items; 0 disables the worker on this instance. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CRM_OUTBOX_POLL_MS = 1000;

  // --- RAG sources: file parser and site crawler (src/rag/parsing, src/rag/crawl) ---
  /** Largest knowledge file accepted for parsing; larger uploads get 413. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  KB_MAX_FILE_BYTES = 10485760;

  /** Per-request timeout of the crawler (robots.txt, sitemaps, pages). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(120000)
  KB_CRAWL_TIMEOUT_MS = 15000;

  /** Largest response the crawler reads; bigger ones are skipped. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  KB_CRAWL_MAX_PAGE_BYTES = 5242880;

  /** Parallel requests per crawl; capped at 4 to stay polite to tenants' sites. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(4)
  KB_CRAWL_CONCURRENCY = 4;

  // --- Metrics and error reporting (src/metrics) ---
  /**
   * Bearer token for GET /metrics on the main port. Without it (and without METRICS_PORT) /metrics is a 404: metrics
   * are opt-in. With METRICS_PORT set, the separate port also requires it when it is set.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'METRICS_TOKEN must be at least 24 characters (e.g. openssl rand -hex 24)' })
  METRICS_TOKEN?: string;

  /**
   * Serve /metrics on this port instead of the main one (a small HTTP server in the same process, for a scraper
   * inside the cluster network); /metrics on the main port is then a 404. 0 picks a free port (tests).
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /**
   * `off`, or a comma-separated list of tenant ids that get their own `tenant` label on per-tenant metrics; every
   * other tenant is counted as `other`, so the series count stays bounded.
   */
  @Matches(/^(off|[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,49})$/, {
    message: 'METRICS_TENANT_LABELS must be off or a comma-separated list of at most 50 tenant ids',
  })
  METRICS_TENANT_LABELS = 'off';

  /** Report unexpected errors (500s) to Sentry, PII scrubbed, tagged with the error id the client got. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
    { message: 'SENTRY_DSN must be a Sentry DSN URL, e.g. https://key@o1.ingest.sentry.io/123' },
  )
  SENTRY_DSN?: string;

  // --- Voice (src/voice) ---
  /** Largest accepted Twilio media-stream frame; bigger ones close the socket with 1008. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1048576)
  VOICE_MAX_FRAME_BYTES = 65536;

  /** Frames per second one media stream may send (Twilio sends 50); above it the socket is closed with 1008. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  VOICE_MAX_FRAMES_PER_SECOND = 200;

  /** Time allowed between the WebSocket upgrade and an authenticated `start` frame. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  VOICE_START_TIMEOUT_MS = 10000;

  /** Media-stream sockets one instance holds open before they authenticate (signature + ticket at `start`). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  VOICE_MAX_PENDING_STREAMS = 100;

  /** Time allowed to open a Gemini Live session before the call gets the apology. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  VOICE_MODEL_CONNECT_TIMEOUT_MS = 8000;

  // --- Analytics retention (src/analytics/retention) ---
  /** Days analytics events are kept; older ones are purged in batches. 0 keeps them forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36500)
  ANALYTICS_RETENTION_DAYS = 0;

  /** Days after its last message a conversation is purged, with its messages, events and hand-offs. 0: forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36500)
  TRANSCRIPT_RETENTION_DAYS = 0;

  /** How often a worker instance runs the retention purge (one instance at a time); 0 disables it on this instance. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RETENTION_PURGE_INTERVAL_MS = 3600000;
}

export type Env = EnvSchema;

export class InvalidConfigError extends Error {}

const OUTBOUND_ALIASES = ['CRM_ALLOW_PRIVATE_URLS', 'KB_CRAWL_ALLOW_PRIVATE'] as const;
const warnedAliases = new Set<string>();

/**
 * The old per-area switches still work for one release: when OUTBOUND_ALLOW_PRIVATE_URLS is not set, any of them
 * set to true turns it on (for every outbound URL). Each logs a deprecation warning once per process. Returns the
 * name that decided, for messages.
 */
function foldOutboundAliases(env: EnvSchema, raw: Record<string, unknown>): string {
  const given = OUTBOUND_ALIASES.filter((name) => env[name] !== undefined);
  for (const name of given) {
    if (warnedAliases.has(name)) continue;
    warnedAliases.add(name);
    new Logger('Config').warn(
      `${name} is deprecated and will be removed in the next release: use OUTBOUND_ALLOW_PRIVATE_URLS, the one switch for every outbound URL`,
    );
  }
  const explicit = raw.OUTBOUND_ALLOW_PRIVATE_URLS !== undefined && raw.OUTBOUND_ALLOW_PRIVATE_URLS !== '';
  if (explicit || !given.length) return 'OUTBOUND_ALLOW_PRIVATE_URLS';
  const enabling = given.find((name) => env[name] === true);
  env.OUTBOUND_ALLOW_PRIVATE_URLS = enabling !== undefined;
  return enabling ?? 'OUTBOUND_ALLOW_PRIVATE_URLS';
}

/** Used by ConfigModule.forRoot({ validate }); throws one readable line per bad variable. */
export function validateEnv(raw: Record<string, unknown>): EnvSchema {
  const env = plainToInstance(EnvSchema, raw, { exposeDefaultValues: true });
  if (env.NODE_ENV !== 'production') {
    // Development keeps the zero-config behaviour: Gemini when a key is there, the offline providers otherwise.
    env.LLM_PROVIDER ??= env.GEMINI_API_KEY ? 'gemini' : 'offline';
    env.EMBEDDING_PROVIDER ??= env.GEMINI_API_KEY ? 'gemini' : 'local';
  }
  env.SHUTDOWN_DELAY_MS ??= env.NODE_ENV === 'production' ? 5000 : 0;
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const messages = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  for (const key of ['ALLOWED_ORIGINS', 'TRUSTED_PROXIES'] as const) {
    if (errors.some((e) => e.property === key)) continue;
    try {
      const parsed: unknown = JSON.parse(env[key]);
      if (!Array.isArray(parsed) || parsed.some((o) => typeof o !== 'string')) throw new Error();
    } catch {
      messages.push(`${key}: must be a JSON array of strings`);
    }
  }
  if (env.APP_ROLE !== 'all' && !env.REDIS_URL && !errors.some((e) => e.property === 'APP_ROLE')) {
    // Without Redis the ingestion queue lives in one process: an api instance's jobs would never reach a worker.
    messages.push(
      `APP_ROLE: ${env.APP_ROLE} needs REDIS_URL (without it queues and caches are in-process, so jobs an api instance enqueues never reach a worker); use APP_ROLE=all for a single instance`,
    );
  }
  const privateOutbound = foldOutboundAliases(env, raw);
  if (env.NODE_ENV === 'production') {
    if (env.OUTBOUND_ALLOW_PRIVATE_URLS) {
      messages.push(
        `${privateOutbound}: must not be true when NODE_ENV=production (tenant URLs could reach the internal network)`,
      );
    }
    if (!env.DATABASE_URL)
      messages.push('DATABASE_URL: required when NODE_ENV=production (the embedded Postgres is for development only)');
    if (!env.REDIS_URL)
      messages.push(
        'REDIS_URL: required when NODE_ENV=production (the in-process session store does not survive restarts or scale out)',
      );
    if (!env.ADMIN_API_KEY) messages.push('ADMIN_API_KEY: required when NODE_ENV=production');
    if (!env.CRM_ENCRYPTION_KEY) messages.push('CRM_ENCRYPTION_KEY: required when NODE_ENV=production');
    if (!env.SESSION_TOKEN_SECRET) messages.push('SESSION_TOKEN_SECRET: required when NODE_ENV=production');
    // A missing key must not quietly switch customers to the offline answers: production names its providers.
    if (!env.LLM_PROVIDER) messages.push('LLM_PROVIDER: required when NODE_ENV=production (gemini or offline)');
    if (!env.EMBEDDING_PROVIDER)
      messages.push('EMBEDDING_PROVIDER: required when NODE_ENV=production (gemini or local)');
  }
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT)
    messages.push('METRICS_PORT: must differ from PORT (the metrics server is a separate listener)');
  // After LLM_PROVIDER's own default, so one switch moves chat and understanding together unless told otherwise.
  env.INTENT_PROVIDER ??= env.LLM_PROVIDER;
  for (const key of ['LLM_PROVIDER', 'EMBEDDING_PROVIDER', 'INTENT_PROVIDER'] as const) {
    if (env[key] === 'gemini' && !env.GEMINI_API_KEY) messages.push(`${key}: gemini needs GEMINI_API_KEY`);
  }
  if (messages.length) throw new InvalidConfigError(`Invalid configuration:\n  - ${messages.join('\n  - ')}`);
  return env;
}
