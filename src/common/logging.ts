import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Params } from 'nestjs-pino';
import { storage, type Store } from 'nestjs-pino/storage';
import { type Level, type Logger, type LoggerOptions, pino, stdSerializers } from 'pino';

import { type Metrics, NO_METRICS } from 'src/common/metrics/metrics.port';
import { routeTemplate } from 'src/common/metrics/route-template';
import type { Env } from 'src/config/env.schema';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Human-readable lines for a developer at a terminal; JSON for everything that collects logs (containers, CI,
 * files, pipes) and always in production, where a terminal is no reason to change the format.
 */
export function prettyLogs(nodeEnv: Env['NODE_ENV'], stdoutIsTty: boolean): boolean {
  return nodeEnv === 'development' && stdoutIsTty;
}

/**
 * Structured logs (JSON, or pino-pretty when `pretty`). Headers that carry credentials are redacted, and requests
 * are logged as id, method and path only: never headers, bodies or query strings.
 */
export function loggerOptions(level: string, pretty = false): LoggerOptions {
  return {
    level,
    ...(pretty && {
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-admin-api-key"]',
        'req.headers.cookie',
        'req.headers["x-twilio-signature"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        // Express strips a mount path from `url` while a mounted middleware runs; `originalUrl` keeps it.
        url: stripQuery(req.originalUrl ?? req.url ?? ''),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: stdSerializers.err,
    },
  };
}

/**
 * nestjs-pino around the app's one root logger: Nest's Logger and every PinoLogger write through it. Its own
 * pino-http middleware is not installed (no routes): `requestLogging` below, which the bootstrap puts first, gives
 * requests their ids and log context at a fraction of the cost.
 */
export function loggerParams(root: Logger): Params {
  return { pinoHttp: { logger: root }, useExisting: true, forRoutes: [] };
}

export function rootLogger(level: string, pretty = false): Logger {
  return pino(loggerOptions(level, pretty));
}

/** The root logger the app was built with (for `requestLogging`). */
export function rootLoggerOf(params: Params): Logger {
  const { pinoHttp } = params;
  if (!pinoHttp || Array.isArray(pinoHttp) || !('logger' in pinoHttp) || !pinoHttp.logger)
    throw new Error('the logger module was not built by loggerParams');
  return pinoHttp.logger as Logger;
}

/**
 * nestjs-pino's per-request context, whose child logger (bound to the request's id, method and path) is made on
 * first use: most requests never log a line of their own, and making a child costs more than the rest of the request
 * logging together. PinoLogger.assign replaces it through the setter.
 */
class RequestLogContext {
  responseLogger?: Logger = undefined;
  private child?: Logger;

  constructor(
    readonly root: Logger,
    private readonly req: IncomingMessage,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({ req: this.req }));
  }

  set logger(logger: Logger) {
    this.child = logger;
  }
}

/**
 * Request ids, request-scoped log context and one completion line per request (what pino-http does, without its
 * per-request allocations). The id comes from a well-formed X-Request-Id or is generated, and is echoed back. Health
 * probes get an id and context but no completion line. A response is logged at info, 4xx at warn, 5xx or a broken
 * response at error. With `metrics`, the same completion also records the request by route template and status.
 */
export function requestLogging(
  root: Logger,
  metrics?: Metrics,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  // With metrics off the port is a no-op: skip even the route lookup.
  const recorder = metrics === NO_METRICS ? undefined : metrics;
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const context = new RequestLogContext(root, req);
    if (!(req.url ?? '').startsWith('/health')) logCompletion(req, res, context, recorder);
    storage.run(context as Store, next);
  };
}

function logCompletion(
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestLogContext,
  metrics: Metrics | undefined,
): void {
  const start = performance.now();
  // 'close' follows 'finish' on every response, and also comes alone when the client goes away first.
  const done = (err?: unknown) => {
    res.removeListener('close', done);
    res.removeListener('error', done);
    const elapsed = performance.now() - start;
    metrics?.httpRequest(req.method ?? 'GET', routeTemplate(req), res.statusCode, elapsed / 1000);
    const level: Level = err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
    if (!context.root.isLevelEnabled(level)) return;
    const responseTime = Math.round(elapsed);
    if (level === 'error') {
      const error = err instanceof Error ? err : new Error(`failed with status code ${res.statusCode}`);
      context.logger.error({ res, err: error, responseTime }, 'request errored');
    } else {
      context.logger[level]({ res, responseTime }, 'request completed');
    }
  };
  res.on('close', done);
  res.on('error', done);
}

/** Query strings can carry tokens or PII (e.g. ?q= searches); the path is enough for operations. */
function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
