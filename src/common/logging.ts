import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';

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
 * Structured logs (JSON, or pino-pretty when `pretty`). Request ids come from a well-formed X-Request-Id or are
 * generated, and are echoed back. Headers that carry credentials are redacted and bodies are never logged.
 */
export function loggerParams(level: string, pretty = false): Params {
  return {
    pinoHttp: {
      level,
      ...(pretty && {
        transport: {
          target: 'pino-pretty',
          options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
        },
      }),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
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
      // The serializers read the raw request and response: pino-http's default wrapping first copies every request
      // (headers, params, query, remote address) into a new object on each request, only for these to pick three
      // fields from it. Unwrapped, the `err` serializer has to be named here (it is pino's usual one).
      wrapSerializers: false,
      serializers: {
        req: (req: { id: string; method: string; url: string; originalUrl?: string }) => ({
          id: req.id,
          method: req.method,
          // Express strips a mount path from `url` while a mounted middleware runs; `originalUrl` keeps it.
          url: stripQuery(req.originalUrl ?? req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: stdSerializers.err,
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    },
  };
}

/** Query strings can carry tokens or PII (e.g. ?q= searches); the path is enough for operations. */
function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
