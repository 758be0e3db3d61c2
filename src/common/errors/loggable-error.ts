import { QueryFailedError } from 'typeorm';

const MAX_SQL_CHARS = 2000;

export interface LoggableError {
  type: string;
  message?: string;
  code?: string;
  sql?: string;
}

/**
 * What of an error may go to the logs. A failed query's parameters hold visitor details and uploaded file bytes, and
 * the server's message can quote a value ('invalid input syntax for type uuid: "..."'), so for SQL only the statement
 * text and the SQLSTATE are kept. No stack traces either: the error id ties the log line to the response.
 */
export function loggableError(err: unknown): LoggableError {
  if (err instanceof QueryFailedError) {
    const code = (err.driverError as { code?: unknown } | undefined)?.code;
    return { type: 'QueryFailedError', code: typeof code === 'string' ? code : undefined, sql: sqlText(err.query) };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { type: err.name, message: err.message, code: typeof code === 'string' ? code : undefined };
  }
  return { type: typeof err };
}

export function sqlText(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SQL_CHARS ? `${flat.slice(0, MAX_SQL_CHARS)}…` : flat;
}
