import { HttpStatus } from '@nestjs/common';

import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
import { AppError } from 'src/common/errors/app-error';
import type { ErrorCode } from 'src/common/errors/error-catalogue';
import { reasonPhrase } from 'src/common/errors/http-status';
import { ALL_ERRORS, ERROR_CATALOGUES, ERROR_STATUS } from 'src/error-codes';

describe('error code catalogues', () => {
  const codes = ALL_ERRORS.map((spec) => spec.code);

  it('declare every code exactly once across all modules', () => {
    const seen = new Set<string>();
    const repeated = codes.filter((code) => seen.size === seen.add(code).size);
    expect(repeated).toEqual([]);
  });

  it('list every entry of every catalogue', () => {
    const entries = Object.values(ERROR_CATALOGUES).reduce((n, catalogue) => n + Object.keys(catalogue).length, 0);
    expect(ALL_ERRORS).toHaveLength(entries);
  });

  it('give every code an HTTP error status with a reason phrase', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect([code, ERROR_STATUS[code] >= 400, reasonPhrase[ERROR_STATUS[code]]]).toEqual([
        code,
        true,
        expect.any(String),
      ]);
    }
  });

  it('answer each code with the status the map names', () => {
    const filter = new AllExceptionsFilter();
    for (const spec of ALL_ERRORS) {
      const body = filter.toBody(new AppError(spec, 'message'));
      expect([spec.code, body.statusCode, body.code]).toEqual([spec.code, ERROR_STATUS[spec.code], spec.code]);
    }
  });

  it('spell codes as MODULE.NAME, or in lower case where the API contract published them so', () => {
    expect(codes.filter((code) => !/^(?:[A-Z]+(?:_[A-Z]+)*\.[A-Z0-9_]+|[a-z]+\.[a-z_]+)$/.test(code))).toEqual([]);
  });

  it('explain every code in one sentence that fits a table cell', () => {
    const unfit = ALL_ERRORS.filter((spec) => !/^[^\n|]{10,200}\.$/.test(spec.meaning)).map((spec) => spec.code);
    expect(unfit).toEqual([]);
  });

  it('keep the codes and statuses clients already match on', () => {
    expect({
      'auth.wrong_tenant': ERROR_STATUS['auth.wrong_tenant'],
      'auth.insufficient_role': ERROR_STATUS['auth.insufficient_role'],
      'session.token_required': ERROR_STATUS['session.token_required'],
      'session.token_invalid': ERROR_STATUS['session.token_invalid'],
      'session.voice_only': ERROR_STATUS['session.voice_only'],
      'TENANT.NOT_FOUND': ERROR_STATUS['TENANT.NOT_FOUND'],
      'RATE_LIMIT.IP': ERROR_STATUS['RATE_LIMIT.IP'],
      'HTTP.BODY_TOO_LARGE': ERROR_STATUS['HTTP.BODY_TOO_LARGE'],
      'VOICE.NO_PUBLIC_BASE_URL': ERROR_STATUS['VOICE.NO_PUBLIC_BASE_URL'],
    }).toEqual({
      'auth.wrong_tenant': HttpStatus.FORBIDDEN,
      'auth.insufficient_role': HttpStatus.FORBIDDEN,
      'session.token_required': HttpStatus.FORBIDDEN,
      'session.token_invalid': HttpStatus.FORBIDDEN,
      'session.voice_only': HttpStatus.FORBIDDEN,
      'TENANT.NOT_FOUND': HttpStatus.NOT_FOUND,
      'RATE_LIMIT.IP': HttpStatus.TOO_MANY_REQUESTS,
      'HTTP.BODY_TOO_LARGE': HttpStatus.PAYLOAD_TOO_LARGE,
      'VOICE.NO_PUBLIC_BASE_URL': HttpStatus.SERVICE_UNAVAILABLE,
    });
  });

  // These hold at compile time (`npm run typecheck`): an unused @ts-expect-error is itself a type error.
  it('refuse, when compiling, a code no catalogue declares or a kind its catalogue does not give it', () => {
    // @ts-expect-error 'VOICE.NOT_DECLARED' is in no catalogue
    const undeclared = new AppError({ code: 'VOICE.NOT_DECLARED', kind: 'UNAVAILABLE', meaning: 'Not declared.' }, 'm');
    const tenantNotFound = ERROR_CATALOGUES.TENANT.NOT_FOUND;
    // @ts-expect-error TENANT.NOT_FOUND is declared NOT_FOUND, not VALIDATION
    const rekinded = new AppError({ ...tenantNotFound, kind: 'VALIDATION' }, 'm');
    // @ts-expect-error a status map over ErrorCode must name every code
    const partial: Record<ErrorCode, HttpStatus> = { 'TENANT.NOT_FOUND': HttpStatus.NOT_FOUND };
    expect([undeclared.code, rekinded.kind, Object.keys(partial)]).toEqual([
      'VOICE.NOT_DECLARED',
      'VALIDATION',
      ['TENANT.NOT_FOUND'],
    ]);
  });
});
