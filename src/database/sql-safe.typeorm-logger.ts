import { Logger as NestLogger, LoggerService } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

import { sqlText } from 'src/common/errors/loggable-error';

/**
 * TypeORM's own loggers print a failed query's parameters, which hold visitors' details (CRM outbox payloads) and
 * uploaded file bytes. This one logs a failed query as its statement text and SQLSTATE only, never the parameters or
 * the server's message (which can quote a value), and ignores successful queries.
 */
export class SqlSafeTypeOrmLogger implements TypeOrmLogger {
  constructor(private readonly logger: LoggerService = new NestLogger('Database')) {}

  logQuery(): void {
    // Successful queries are not logged: one line per query would drown everything else.
  }

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    this.logger.error({ code: typeof code === 'string' ? code : undefined, sql: sqlText(query) }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, sql: sqlText(query) }, 'slow query');
  }

  logSchemaBuild(): void {
    // `synchronize` is never on, so there is no schema build to report.
  }

  logMigration(message: string): void {
    this.logger.debug?.({ migration: message }, 'migration');
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : 'typeorm notice';
    if (level === 'warn') this.logger.warn({ notice: text }, 'database warning');
    else this.logger.log({ notice: text }, 'database notice');
  }
}
