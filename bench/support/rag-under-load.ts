import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { Client } from 'pg';

import { ensureDatabase } from './ensure-database';
import { GcPauses } from './gc-pauses';
import { startGetLoad } from './load';
import { type ThreadCpu, threadCpu } from './thread-schedstat';

const SEED_BATCH = 2000;
const TICK_MS = 10;
const BASELINE_MS = 5_000;

export interface UnderLoadOptions {
  vectors: number;
  dimension: number;
  connections: number;
  /** The synthetic "embedding model" of bench:rag, so the index built here has the same shape as the offline one. */
  nextVector: () => Float32Array;
  /** Writes a CPU profile of the app's thread during the rebuild only (not seeding or start-up). */
  profileFile?: string | null;
}

/**
 * Rebuilds a `vectors`-sized index inside the running app while autocannon loads `/health`, and measures the app's
 * event-loop lag and `/health` latency for exactly the duration of the rebuild.
 *
 * The app boots through the production bootstrap on real Postgres and Redis (as bench:chat). One tenant's chunks are
 * seeded straight into Postgres with their embeddings under the app's own embedding model id, so the rebuild reads
 * stored vectors and never re-embeds (as after ingestion); a fresh DATA_DIR holds no index file, so the app's
 * KnowledgeIndexService, asked for the tenant's index the way a search asks, rebuilds it from Postgres.
 *
 * Before the build the same load runs for a few seconds alone (`loopLagP99MsBeforeBuild`): a saturating load on a
 * 2-core machine, with the load generator on one of the cores, delays the loop by itself, and only the difference is
 * the build's doing.
 */
export async function measureRebuildUnderLoad(options: UnderLoadOptions): Promise<Record<string, number | null>> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';
  const dataDir = await mkdtemp(join(tmpdir(), 'rag-bench-app-'));
  const adminKey = randomBytes(24).toString('hex');
  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    ADMIN_API_KEY: adminKey,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  await ensureDatabase(databaseUrl);
  // Imported after the environment is set: the app reads it when its modules are built.
  const { createApp } = await import('src/bootstrap');
  const { KnowledgeIndexService } = await import('src/rag/search/knowledge-index.service');
  const { ChunkEmbedder } = await import('src/rag/storage/chunk-embedder');
  const { businessFactory } = await import('test/factories/business.factory');

  // createApp already runs configureApp: configuring twice would stack every middleware twice.
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const admin = { 'content-type': 'application/json', 'x-admin-api-key': adminKey };
  const business = businessFactory.build({ businessId: `bench-rag-${randomBytes(4).toString('hex')}` });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const created = await fetch(`${base}/admin/business`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(business),
    });
    if (!created.ok) throw new Error(`creating tenant failed: ${created.status} ${await created.text()}`);
    const embedder = app.get(ChunkEmbedder);
    if (embedder.dimension !== options.dimension)
      throw new Error(`the app embeds in ${embedder.dimension} dimensions, the bench in ${options.dimension}`);
    const active = await seed(db, business.businessId, embedder.modelId, options);

    const knowledge = app.get(KnowledgeIndexService);
    await getLoadWarm(`${base}/health`, options.connections);
    const gc = new GcPauses();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const stalls = new StallSampler();
    const load = startGetLoad(`${base}/health`, options.connections, 3600);
    // Lets the load reach the app before the build starts, so the figures cover the whole build.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The same load with no build, as long as the first seconds of one: what the load alone does to the loop.
    const idle = new StallSampler();
    idle.start();
    const cpuIdleFrom = threadCpu();
    const idleFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, BASELINE_MS));
    const idleTo = performance.now();
    const cpuIdleTo = threadCpu();
    idle.stop();
    const profiler = options.profileFile ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    lag.enable();
    stalls.start();
    const cpuFrom = threadCpu();
    const t0 = performance.now();
    const index = await knowledge.indexFor(business.businessId, active);
    const buildMs = performance.now() - t0;
    const cpuTo = threadCpu();
    lag.disable();
    stalls.stop();
    if (profiler && options.profileFile) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(options.profileFile, JSON.stringify(profile));
      profiler.disconnect();
    }
    const health = await load.stop();
    // Observer entries arrive a task later: read once the load has stopped, so the build's last pauses are in.
    const before = gc.between(idleFrom, idleTo);
    const during = gc.between(t0, t0 + buildMs);
    gc.stop();
    if (index.size !== options.vectors) throw new Error(`rebuilt ${index.size} of ${options.vectors} vectors`);
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      loopLagP99MsDuringBuild: round(stalls.timeWeightedPercentile(99)),
      loopLagP99MsBeforeBuild: round(idle.timeWeightedPercentile(99)),
      loopLagP99MsPerSampleDuringBuild: round(lag.percentile(99) / 1e6),
      loopLagMaxMsDuringBuild: round(lag.max / 1e6),
      gcMsPerSecondBeforeBuild: round(before.total / (BASELINE_MS / 1000)),
      gcMsPerSecondDuringBuild: round(during.total / (buildMs / 1000)),
      gcMaxPauseMsDuringBuild: round(during.max),
      ...threadShares('BeforeBuild', cpuIdleFrom, cpuIdleTo, idleTo - idleFrom),
      ...threadShares('DuringBuild', cpuFrom, cpuTo, buildMs),
      healthP99MsDuringBuild: health.p99,
      healthMaxMsDuringBuild: health.max,
      healthRpsDuringBuild: round(health.rps),
      healthErrorsDuringBuild: health.errors,
      buildSecondsInApp: round(buildMs / 1000),
      loadConcurrency: options.connections,
    };
  } finally {
    await fetch(`${base}/admin/business/${business.businessId}`, { method: 'DELETE', headers: admin }).catch(
      () => undefined,
    );
    await db.end();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Event-loop lag weighted by wall time. monitorEventLoopDelay records one sample per timer tick, so a stall of a
 * minute is one sample among thousands taken while the loop was free and barely moves its p99; here each tick counts
 * for the time it covered, so the p99 is the lag that 99 % of the build's wall time stayed under (what a request or
 * audio frame arriving at a random moment would meet).
 */
class StallSampler {
  private readonly ticks: Array<{ lag: number; span: number }> = [];
  private timer?: NodeJS.Timeout;
  private last = 0;

  start(): void {
    this.last = performance.now();
    const tick = () => {
      const now = performance.now();
      const span = now - this.last;
      this.ticks.push({ lag: Math.max(0, span - TICK_MS), span });
      this.last = now;
      this.timer = setTimeout(tick, TICK_MS);
    };
    this.timer = setTimeout(tick, TICK_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    // The span since the last tick counts too: a build that ends in a stall must not drop that stall.
    const span = performance.now() - this.last;
    this.ticks.push({ lag: Math.max(0, span - TICK_MS), span });
  }

  timeWeightedPercentile(p: number): number {
    const sorted = [...this.ticks].sort((a, b) => a.lag - b.lag);
    const total = sorted.reduce((sum, t) => sum + t.span, 0);
    let covered = 0;
    for (const t of sorted) {
      covered += t.span;
      if (covered >= (p / 100) * total) return t.lag;
    }
    return sorted.at(-1)?.lag ?? 0;
  }
}

/**
 * Shares of a phase's wall time the app's thread ran and waited for a core (Linux schedstat; null elsewhere): a loop
 * that lags more while running no more than before is being kept off the CPU, not doing the build's work.
 */
function threadShares(
  phase: string,
  from: ThreadCpu | null,
  to: ThreadCpu | null,
  wallMs: number,
): Record<string, number | null> {
  const share = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms / wallMs) * 1000) / 1000);
  return {
    [`appThreadRunShare${phase}`]: share(from && to ? to.runMs - from.runMs : undefined),
    [`appThreadRunQueueWaitShare${phase}`]: share(from && to ? to.waitMs - from.waitMs : undefined),
  };
}

function getLoadWarm(url: string, connections: number): Promise<unknown> {
  return startGetLoad(url, connections, 2).result;
}

/** One document, `vectors` searchable chunks with stored embeddings, and an active version 1 holding them. */
async function seed(
  db: Client,
  businessId: string,
  model: string,
  options: UnderLoadOptions,
): Promise<{ version: number; id: string }> {
  const doc = await db.query<{ id: string }>(
    `INSERT INTO kb_documents (business_id, source_key, source_type, title, content_hash)
     VALUES ($1, 'bench', 'json', 'Bench', repeat('0', 64)) RETURNING id`,
    [businessId],
  );
  const documentId = doc.rows[0].id;
  for (let start = 0; start < options.vectors; start += SEED_BATCH) {
    const count = Math.min(SEED_BATCH, options.vectors - start);
    const embeddings = Array.from({ length: count }, () => {
      const v = options.nextVector();
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    });
    await db.query(
      `INSERT INTO kb_chunks (business_id, document_id, row_key, content_hash, embed_hash, chunk_index, text, title,
                              embedding, embedding_model, embedding_dim)
       SELECT $1, $2, encode(sha256(convert_to('row' || n, 'UTF8')), 'hex'),
              encode(sha256(convert_to('content' || n, 'UTF8')), 'hex'),
              encode(sha256(convert_to('embed' || n, 'UTF8')), 'hex'),
              n, 'Bench chunk ' || n || ' about water heaters, drains and booking a visit.', 'Bench',
              e, $5, $6
         FROM unnest($3::bytea[]) WITH ORDINALITY AS t(e, i), LATERAL (SELECT $4::int + i::int - 1 AS n) k`,
      [businessId, documentId, embeddings, start, model, options.dimension],
    );
  }
  const version = await db.query<{ version: number; id: string }>(
    `INSERT INTO kb_versions (business_id, version, is_active, reason, document_count, chunk_count, activated_at)
     VALUES ($1, 1, true, 'ingest', 1, $2, now()) RETURNING version, id`,
    [businessId, options.vectors],
  );
  await db.query(
    `INSERT INTO kb_version_chunks (business_id, version, chunk_id, document_id, searchable)
     SELECT business_id, 1, id, document_id, true FROM kb_chunks WHERE business_id = $1`,
    [businessId],
  );
  return version.rows[0];
}
