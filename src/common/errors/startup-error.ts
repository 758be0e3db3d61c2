import { ConsoleLogger } from '@nestjs/common';

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

/**
 * One line naming why a process could not start, for the operator at the terminal. Some libraries reject with
 * `undefined` or with an AggregateError whose own message is empty (pg trying 127.0.0.1 and ::1), which used to
 * surface as "Start-up failed: undefined".
 */
export function describeStartupError(err: unknown): string {
  if (err === undefined || err === null) return 'no cause was reported (a dependency rejected without an error)';
  if (!(err instanceof Error)) return oneLine(typeof err === 'string' ? err : JSON.stringify(err));
  if (err instanceof AggregateError && err.errors.length) {
    return [...new Set(err.errors.map((e) => describeStartupError(e)))].join('; ');
  }
  const e = err as SystemError;
  const where = e.port !== undefined ? `${e.address ?? ''}:${e.port}` : undefined;
  if (e.code === 'EADDRINUSE' && where) return `${where} is already in use by another process`;
  if (e.code === 'EACCES' && e.syscall === 'listen' && where)
    return `not permitted to listen on ${where} (ports below 1024 need privileges)`;
  if (e.code === 'ECONNREFUSED' && where) return `nothing accepts connections on ${where}`;
  if ((e.code === 'EACCES' || e.code === 'EPERM') && e.path) return `permission denied on ${e.path}`;
  const message = oneLine(e.message) || e.code || e.name;
  const cause = e.cause === undefined ? '' : `: ${describeStartupError(e.cause)}`;
  return message + cause;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ');
}

/**
 * Console logger for start-up and CLIs: Nest logs a failed bootstrap with the stack, which says nothing an operator
 * can act on; the message is kept and stack traces are dropped.
 */
export class StacklessConsoleLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    const text = message instanceof Error || message === undefined ? describeStartupError(message) : message;
    super.error(text, ...rest.filter((p) => !(typeof p === 'string' && /\n\s+at /.test(p))));
  }
}
