import { BadRequestException } from '@nestjs/common';
import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
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
    const err = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large', expose: true });
    expect(sut.toBody(err)).toMatchObject({ statusCode: 413, message: 'Request body is too large' });
  });
});
