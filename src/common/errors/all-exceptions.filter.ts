import { randomUUID } from 'node:crypto';

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { AppError, type FieldProblem } from 'src/common/errors/app-error';
import { reasonPhrase, statusForKind } from 'src/common/errors/http-status';
import { toUnavailableError, unavailableDependencyOf } from 'src/common/errors/infra.errors';
import { loggableError } from 'src/common/errors/loggable-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  /** Validation errors that belong to named fields (e.g. `rules.pricing.when`), one entry per problem. */
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

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const error = this.classify(exception);
    const body = this.toBody(error);
    body.requestId = typeof req.id === 'string' ? req.id : undefined;
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

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) {
      const statusCode = statusForKind(exception.kind);
      const body: ErrorBody = {
        statusCode,
        error: reasonPhrase[statusCode],
        message: exception.message,
        code: exception.code,
      };
      if (exception.details?.fields?.length) body.fields = exception.details.fields.map((f) => ({ ...f }));
      return body;
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      return { statusCode, error: reasonPhrase[statusCode] ?? 'Error', message };
    }
    const e = exception as StatusError | undefined;
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, error: reasonPhrase[status] ?? 'Error', message: this.middlewareMessage(e!) };
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: loggableError(exception) }, 'unhandled error');
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
