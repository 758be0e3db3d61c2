import { ArgumentsHost, BadRequestException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
import { AppError } from 'src/common/errors/app-error';
import { HttpErrors } from 'src/common/http/http.errors';

describe(AllExceptionsFilter.name, () => {
  const sut = new AllExceptionsFilter();

  it('maps coded errors to their status', () => {
    expect(sut.toBody(HttpErrors.unsupportedMediaType('application/json'))).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'Content-Type must be application/json',
      code: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('lists field problems of a coded validation error beside its message', () => {
    const body = sut.toBody(
      new AppError({ code: 'TENANT.INVALID_CONFIG', kind: 'VALIDATION' } as never, 'rules.r1.when: bad', {
        fields: [{ field: 'rules.r1.when', message: 'bad' }],
      }),
    );
    expect(body).toMatchObject({ statusCode: 400, fields: [{ field: 'rules.r1.when', message: 'bad' }] });
    expect(sut.toBody(HttpErrors.unsupportedMediaType('x'))).not.toHaveProperty('fields');
  });

  it('joins validation messages into one string', () => {
    const body = sut.toBody(new BadRequestException(['a must be a string', 'b is required']));
    expect(body).toMatchObject({ statusCode: 400, message: 'a must be a string; b is required' });
  });

  it('hides unknown errors behind a generic 500 with an error id', () => {
    jest.spyOn(sut['logger'], 'error').mockImplementation(() => undefined);
    const body = sut.toBody(new Error('connection string postgres://user:pw@db leaked'));
    expect(body.statusCode).toBe(500);
    expect(body.message).toMatch(/^Internal server error \(error id [0-9a-f-]{36}\)$/);
    expect(JSON.stringify(body)).not.toContain('postgres://');
  });

  it('keeps body-parser size errors as 413', () => {
    const err = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
      expose: true,
    });
    expect(sut.toBody(err)).toMatchObject({ statusCode: 413, message: 'Request body is too large' });
  });

  function respond(exception: unknown) {
    const res = { headersSent: false, setHeader: jest.fn(), status: jest.fn(), json: jest.fn() };
    res.status.mockReturnValue(res);
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'req-12345678' }) }),
    } as unknown as ArgumentsHost;
    sut.catch(exception, host);
    return res;
  }

  it('answers a lost Redis connection with 503, Retry-After and the Redis code', () => {
    jest.spyOn(sut['logger'], 'warn').mockImplementation(() => undefined);
    const res = respond(new Error('Connection is closed.'));
    expect(res.setHeader).toHaveBeenCalledWith('Retry-After', '5');
    expect(res.status).toHaveBeenCalledWith(503);
    expect(res.json).toHaveBeenCalledWith({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The session store is unavailable; please retry shortly',
      code: 'INFRA.REDIS_UNAVAILABLE',
      requestId: 'req-12345678',
    });
  });

  it('answers a refused database connection with 503, Retry-After and the database code', () => {
    jest.spyOn(sut['logger'], 'warn').mockImplementation(() => undefined);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const res = respond(refused);
    expect(res.setHeader).toHaveBeenCalledWith('Retry-After', '5');
    expect(res.json).toHaveBeenCalledWith(
      expect.objectContaining({ statusCode: 503, code: 'INFRA.DATABASE_UNAVAILABLE' }),
    );
  });

  it('logs an unknown failed query without its parameters', () => {
    const error = jest.spyOn(sut['logger'], 'error').mockImplementation(() => undefined);
    const driverError = Object.assign(new Error('value too long'), { code: '22001', severity: 'ERROR' });
    sut.toBody(new QueryFailedError('INSERT INTO leads (email) VALUES ($1)', ['jane@example.com'], driverError));
    expect(JSON.stringify(error.mock.calls)).not.toContain('jane@example.com');
    expect(error).toHaveBeenCalledWith(
      {
        errorId: expect.any(String),
        err: { type: 'QueryFailedError', code: '22001', sql: 'INSERT INTO leads (email) VALUES ($1)' },
      },
      'unhandled error',
    );
  });
});
