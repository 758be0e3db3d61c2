import { randomUUID } from 'node:crypto';

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';

import { AppError, type FieldProblem } from 'src/common/errors/app-error';
import { ErrorReporter } from 'src/common/errors/error-reporter.port';
import { reasonPhrase, statusForKind } from 'src/common/errors/http-status';
import { toUnavailableError, unavailableDependencyOf } from 'src/common/errors/infra.errors';
import { loggableError } from 'src/common/errors/loggable-error';
import { routeTemplate } from 'src/common/metrics/route-template';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  /** Validation errors only: each problem by the dotted path of the field it names. */
  fields?: FieldProblem[];
  requestId?: string;
}

/** Middleware errors (body-parser, multer) carry a status but are not HttpExceptions. */
interface StatusError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** One error format everywhere; unknown errors become a generic 500 logged with an id, never a stack trace. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** The reporter is bound only when SENTRY_DSN is set (src/metrics). */
  constructor(@Optional() private readonly reporter?: ErrorReporter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const error = this.classify(exception);
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    const body = this.toBody(error, (errorId) =>
      this.reporter?.report(exception, { errorId, requestId, method: req.method, route: routeTemplate(req) }),
    );
    body.requestId = requestId;
    if (error instanceof AppError && error.details?.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(error.details.retryAfterSeconds));
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json(body);
  }

  /**
   * The one place infrastructure outages (Redis, Postgres unreachable) become a coded 503 with Retry-After, whichever
   * route or layer they surface from, instead of a bare 500.
   */
  classify(exception: unknown): unknown {
    const unavailable = toUnavailableError(exception);
    if (!unavailable) return exception;
    this.logger.warn(
      { dependency: unavailableDependencyOf(exception), code: unavailable.code },
      'dependency unavailable',
    );
    return unavailable;
  }

  /** `onUnexpected` gets the id of an unexpected error (a 500), the one its body and log line carry. */
  toBody(exception: unknown, onUnexpected?: (errorId: string) => void): ErrorBody {
    if (exception instanceof AppError) {
      const statusCode = statusForKind(exception.kind);
      const body: ErrorBody = { statusCode, error: reasonPhrase[statusCode], message: exception.message };
      body.code = exception.code;
      if (exception.details?.fields?.length) body.fields = [...exception.details.fields];
      return body;
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const body: ErrorBody = { statusCode, error: reasonPhrase[statusCode] ?? 'Error', message };
      const fields = typeof response === 'object' ? (response as { fields?: unknown }).fields : undefined;
      if (Array.isArray(fields) && fields.length) body.fields = fields as FieldProblem[];
      return body;
    }
    const e = exception as StatusError | undefined;
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, error: reasonPhrase[status] ?? 'Error', message: this.middlewareMessage(e!) };
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: loggableError(exception) }, 'unhandled error');
    onUnexpected?.(errorId);
    return { statusCode: 500, error: reasonPhrase[500], message: `Internal server error (error id ${errorId})` };
  }

  private middlewareMessage(e: StatusError): string {
    switch (e.type) {
      case 'entity.too.large':
        return 'Request body is too large';
      case 'entity.parse.failed':
        return 'Request body is not valid JSON';
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return 'Unsupported request body encoding';
      default:
        return e.expose && e.message ? e.message : 'Bad request';
    }
  }
}
