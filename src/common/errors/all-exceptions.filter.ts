import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { AppError } from 'src/common/errors/app-error';
import { reasonPhrase, statusForKind } from 'src/common/errors/http-status';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
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
    const body = this.toBody(exception);
    body.requestId = typeof req.id === 'string' ? req.id : undefined;
    if (exception instanceof AppError && exception.details?.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(exception.details.retryAfterSeconds));
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) {
      const statusCode = statusForKind(exception.kind);
      return { statusCode, error: reasonPhrase[statusCode], message: exception.message, code: exception.code };
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
    this.logger.error({ errorId, err: exception }, 'unhandled error');
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
