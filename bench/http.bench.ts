/**
 * HTTP layer benchmark: `npm run bench:http [-- --seconds 10 --connections 32 --rounds 2 --profile file.cpuprofile]`.
 *
 * Boots the real AppModule through the production bootstrap (options and `configureApp`, as bench:chat does, on real
 * Postgres and Redis) and, in the same process, a bare NestJS app with one `/health` controller built from the
 * project's own node_modules (same Nest and Express versions, no middleware, no global pipes or filters). autocannon
 * loads `GET /health` on each from a worker thread at the same concurrency and duration, alternating app and bare app
 * for several rounds so drift on a shared machine affects both sides of the ratio alike. The ratio says what the
 * app's middleware stack (request ids, logging, helmet, CORS, body parsers, static lookup, guards) costs per request.
 *
 * Prints one JSON line (keys in /work/shared/BENCH.md).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';

import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { positiveIntArg } from './support/cli-args';
import { ensureDatabase } from './support/ensure-database';
import { getLoad, LoadResult } from './support/load';

interface Run extends LoadResult {
  /** Busy time of this (the servers') event loop per request. */
  loopMsPerRequest: number;
  /**
   * CPU time of the servers' thread per request (Linux), the steadiest figure on a shared machine: other jobs
   * stretch wall-clock rates and loop busy time, not the CPU a request costs.
   */
  cpuMsPerRequest: number | null;
}

/** Linux clock ticks are 10 ms (USER_HZ 100); per-thread figures come from /proc. */
const TICK_MS = 10;

/** CPU time (user + system) of this process's main thread, where both servers run; null off Linux. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** One load run, with the main thread's busy and CPU time per request measured alongside. */
async function measure(url: string): Promise<Run> {
  const elu = performance.eventLoopUtilization();
  const cpu = mainThreadCpuMs();
  const result = await getLoad(url, CONNECTIONS, SECONDS);
  const busy = performance.eventLoopUtilization(elu);
  const cpuAfter = mainThreadCpuMs();
  const requests = Math.max(1, result.total);
  return {
    ...result,
    loopMsPerRequest: busy.active / requests,
    cpuMsPerRequest: cpu === null || cpuAfter === null ? null : (cpuAfter - cpu) / requests,
  };
}

const SECONDS = positiveIntArg('seconds', 10);
const CONNECTIONS = positiveIntArg('connections', 32);
const ROUNDS = positiveIntArg('rounds', 2);
// `--profile <file>` writes CPU profiles of this thread during one extra run on the app (<file>) and one on the bare
// app (<file> with `.bare` before the extension) after the measured rounds, so the profiler never touches the figures.
const PROFILE_FILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : null;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';

Object.assign(process.env, {
  NODE_ENV: 'development',
  DATABASE_URL,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  ADMIN_API_KEY: randomBytes(24).toString('hex'),
  LOG_LEVEL: 'warn',
});

@Controller('health')
class BareHealthController {
  @Get()
  live(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [BareHealthController] })
class BareModule {}

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  // Imported after the environment is set: the app reads it when its modules are built.
  const { createApp } = await import('src/bootstrap');
  // createApp already runs configureApp: configuring twice would stack every middleware twice.
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const bare = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  await bare.listen(0, '127.0.0.1');

  try {
    const appUrl = `${await app.getUrl()}/health`;
    const bareUrl = `${await bare.getUrl()}/health`;
    for (const url of [appUrl, bareUrl]) {
      const res = await fetch(url);
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    }
    // Warm-up: JIT and connection set-up on both, not measured.
    await getLoad(appUrl, CONNECTIONS, 2);
    await getLoad(bareUrl, CONNECTIONS, 2);

    const appRuns: Run[] = [];
    const bareRuns: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating which side goes first cancels a steady drift in the machine's load.
      if (round % 2 === 0) {
        appRuns.push(await measure(appUrl));
        bareRuns.push(await measure(bareUrl));
      } else {
        bareRuns.push(await measure(bareUrl));
        appRuns.push(await measure(appUrl));
      }
    }
    if (PROFILE_FILE) {
      await profileRun(appUrl, PROFILE_FILE);
      await profileRun(bareUrl, PROFILE_FILE.replace(/(\.cpuprofile)?$/, '.bare$1'));
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    const mean = (runs: Run[], key: 'rps' | 'p50' | 'p99' | 'loopMsPerRequest') =>
      runs.reduce((s, r) => s + r[key], 0) / runs.length;
    const appRps = mean(appRuns, 'rps');
    const bareNestRps = mean(bareRuns, 'rps');
    console.log(
      JSON.stringify({
        appRps: round(appRps),
        bareNestRps: round(bareNestRps),
        ratio: round(appRps / bareNestRps),
        appP99Ms: round(mean(appRuns, 'p99')),
        bareNestP99Ms: round(mean(bareRuns, 'p99')),
        appP50Ms: round(mean(appRuns, 'p50')),
        bareNestP50Ms: round(mean(bareRuns, 'p50')),
        appLoopMsPerRequest: Math.round(mean(appRuns, 'loopMsPerRequest') * 1000) / 1000,
        bareNestLoopMsPerRequest: Math.round(mean(bareRuns, 'loopMsPerRequest') * 1000) / 1000,
        ...cpuFigures(appRuns, bareRuns),
        errors: [...appRuns, ...bareRuns].reduce((s, r) => s + r.errors, 0),
        concurrency: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
      }),
    );
  } finally {
    await bare.close();
    await app.close();
  }
}

/** Per-request CPU of each side and their ratio (bare / app: comparable with `ratio`), when measurable. */
function cpuFigures(appRuns: Run[], bareRuns: Run[]): Record<string, number> {
  const total = (runs: Run[]) => runs.reduce((s, r) => s + (r.cpuMsPerRequest ?? NaN), 0) / runs.length;
  const app = total(appRuns);
  const bare = total(bareRuns);
  if (!Number.isFinite(app) || !Number.isFinite(bare)) return {};
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { appCpuMsPerRequest: round(app), bareNestCpuMsPerRequest: round(bare), cpuRatio: round(bare / app) };
}

async function profileRun(url: string, file: string): Promise<void> {
  const profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
  const { total } = await getLoad(url, CONNECTIONS, SECONDS);
  console.error(`${file}: CPU profile of ${total} requests to ${url}`);
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  profiler.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
