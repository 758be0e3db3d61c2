import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

import bytes from 'bytes';
import {
  type ErrorRequestHandler,
  json,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
  text,
  urlencoded,
} from 'express';

import { AppError } from 'src/common/errors/app-error';
import { inspectBody } from 'src/common/http/body-inspection';
import { HttpErrors } from 'src/common/http/http.errors';

export interface BodyParsingOptions {
  /** Every JSON body, and Twilio's form posts. */
  bodyLimit: string;
  /** NDJSON knowledge uploads, for admin-authenticated requests only. */
  kbBodyLimit: string;
  /** Largest knowledge file (multer enforces it); its multipart upload may be this plus the form's own bytes. */
  kbMaxFileBytes: number;
  /**
   * Whether the request presents a key that may upload to the business its path names (the platform key, or that
   * business's own editor or owner key): only then may it send a knowledge-sized body.
   */
  mayUpload(req: Request, businessId: string): Promise<boolean>;
}

const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];
/** The one route that takes NDJSON (POST /admin/business/:id/knowledge/documents). */
const KB_UPLOAD_PATH = /^\/admin\/business\/([^/]+)\/knowledge\/documents\/?$/;
/** Multipart knowledge files (POST /admin/business/:id/knowledge/files), parsed by multer after the admin guard. */
const KB_FILES_PATH = /^\/admin\/business\/([^/]+)\/knowledge\/files\/?$/;
/** Room for the multipart boundaries, part headers and form fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** Twilio posts its webhooks as forms; nothing else takes one. */
const FORM_PATH = /^\/voice\//;

type WithRawBody = IncomingMessage & { rawBody?: Buffer };

// Webhook signatures (HubSpot v3, Twilio) cover the exact bytes sent, so the raw body is kept beside the parsed one.
const keepRawBody = (req: IncomingMessage, _res: unknown, buf: Buffer) => {
  (req as WithRawBody).rawBody = buf;
};

// body-parser would silently turn invalid bytes into U+FFFD, storing text the sender never wrote.
const keepRawUtf8Body = (req: IncomingMessage, res: unknown, buf: Buffer) => {
  if (!isUtf8(buf)) throw HttpErrors.invalidUtf8();
  keepRawBody(req, res, buf);
};

/** What body-parser calls `hasBody`: a request that declares neither a length nor a chunked body sends none. */
function mayHaveBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Body parsing as one Express middleware. Each parser runs only where a route needs it, so a request can make the
 * server buffer at most BODY_LIMIT unless it carries the admin key to the knowledge upload. A request without a body
 * (most GETs, probes) skips the whole chain: every step in it would pass such a request on untouched.
 */
export function bodyParsing(options: BodyParsingOptions): RequestHandler {
  const bodyLimit = bytes.parse(options.bodyLimit) ?? 0;
  const kbLimit = bytes.parse(options.kbBodyLimit) ?? 0;
  // Decided once per request (a key lookup is asynchronous), then read by the gate and the parsers.
  const uploaders = new WeakSet<Request>();
  const isKbUpload = (req: Request) => uploaders.has(req) && KB_UPLOAD_PATH.test(req.path);
  const isKbFile = (req: Request) => uploaders.has(req) && KB_FILES_PATH.test(req.path);
  const authorizeUpload: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    const businessId =
      req.method === 'POST' ? (KB_UPLOAD_PATH.exec(req.path) ?? KB_FILES_PATH.exec(req.path))?.[1] : undefined;
    if (!businessId) return next();
    let id: string;
    try {
      id = decodeURIComponent(businessId);
    } catch {
      return next(); // a malformed id is the router's to refuse
    }
    options.mayUpload(req, id).then(
      (ok) => {
        if (ok) uploaders.add(req);
        next();
      },
      // A bad key is the guard's to refuse (401/403); here it only means no large body.
      () => next(),
    );
  };
  const limitFor = (req: Request) =>
    isKbUpload(req) ? kbLimit : isKbFile(req) ? options.kbMaxFileBytes + MULTIPART_OVERHEAD_BYTES : bodyLimit;
  const only =
    (applies: (req: Request) => boolean, parser: RequestHandler): RequestHandler =>
    (req, res, next) =>
      applies(req) ? parser(req, res, next) : next();

  // A declared length over the route's limit is refused before a byte of the body is read. Node then discards
  // whatever the client still sends (never buffered); closing the socket instead could reset it before the client
  // has read the 413.
  const sizeGate: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    next(declared > limitFor(req) ? HttpErrors.bodyTooLarge() : undefined);
  };
  const inspect: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    next(inspectBody(req.body) ?? undefined);
  };
  // Parser failures become coded errors here; Nest would otherwise turn a SyntaxError into a bare 400 that
  // echoes the parser's message.
  const codeParserErrors: ErrorRequestHandler = (err: unknown, req: Request, _res: Response, next: NextFunction) => {
    next(parserError(err, req));
  };
  const chain = Router().use(
    authorizeUpload,
    sizeGate,
    json({ limit: bodyLimit, verify: keepRawUtf8Body }),
    only((req) => FORM_PATH.test(req.path), urlencoded({ limit: bodyLimit, extended: false, verify: keepRawBody })),
    only(isKbUpload, text({ type: NDJSON_TYPES, limit: kbLimit, verify: keepRawUtf8Body })),
    codeParserErrors,
    inspect,
  );
  return (req: Request, res: Response, next: NextFunction) => (mayHaveBody(req) ? chain(req, res, next) : next());
}

function parserError(err: unknown, req: Request): unknown {
  if (err instanceof AppError) return err;
  switch ((err as { type?: unknown } | null)?.type) {
    case 'entity.too.large':
      return HttpErrors.bodyTooLarge();
    case 'entity.parse.failed':
      return req.is('application/json') ? HttpErrors.invalidJson() : HttpErrors.invalidBody();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return HttpErrors.unsupportedEncoding();
    default:
      return err;
  }
}
