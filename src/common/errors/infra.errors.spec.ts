import { QueryFailedError } from 'typeorm';

import { InfraErrorCode, toUnavailableError, unavailableDependencyOf } from 'src/common/errors/infra.errors';
import { HttpErrors } from 'src/common/http/http.errors';

const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect', errno: -111 });
const pgError = (code: string, message = 'terminating connection due to administrator command') =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });
const maxRetries = () => {
  const err = new Error('Reached the max retries per request limit (which is 1).');
  Object.defineProperty(err, 'name', { value: 'MaxRetriesPerRequestError' });
  return err;
};

describe('infrastructure error classification', () => {
  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ['an administrator shutdown (57P01)', pgError('57P01')],
    ['a server still starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection exception (class 08)', pgError('08006', 'connection failure')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    [
      'the same wrapped by TypeORM',
      new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
    ],
  ])('names the database for %s', (_label, err) => {
    expect(unavailableDependencyOf(err)).toBe('database');
  });

  it.each([
    ['a command past its retry limit', maxRetries()],
    ['a closed connection', new Error('Connection is closed.')],
    ['a disabled offline queue', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a command timeout', new Error('Command timed out')],
  ])('names Redis for %s', (_label, err) => {
    expect(unavailableDependencyOf(err)).toBe('redis');
  });

  it.each([
    ['a constraint violation', new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key'))],
    ['a syntax error', pgError('42601', 'syntax error')],
    ['a coded application error', HttpErrors.invalidJson()],
    [
      'a failed fetch (the cause is wrapped)',
      Object.assign(new TypeError('fetch failed'), { cause: socketError('ECONNREFUSED') }),
    ],
    [
      'a failed DNS lookup (the crawler checks URLs)',
      Object.assign(new Error('getaddrinfo EAI_AGAIN x'), { code: 'EAI_AGAIN', syscall: 'getaddrinfo' }),
    ],
    ['a plain error', new Error('boom')],
    ['a non-error value', 'boom'],
  ])('leaves %s alone', (_label, err) => {
    expect(unavailableDependencyOf(err)).toBeNull();
  });

  it('turns an outage into a 503 error with a retry hint and the dependency in its code', () => {
    expect(toUnavailableError(maxRetries())).toMatchObject({
      kind: 'UNAVAILABLE',
      code: InfraErrorCode.REDIS_UNAVAILABLE,
      details: { retryAfterSeconds: 5 },
    });
    expect(toUnavailableError(socketError('ECONNREFUSED'))).toMatchObject({
      kind: 'UNAVAILABLE',
      code: InfraErrorCode.DATABASE_UNAVAILABLE,
    });
    expect(toUnavailableError(new Error('boom'))).toBeNull();
  });
});
