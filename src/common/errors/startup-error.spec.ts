import { describeStartupError } from 'src/common/errors/startup-error';

const systemError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe(describeStartupError.name, () => {
  it('names the absence of a cause instead of printing undefined', () => {
    expect(describeStartupError(undefined)).toBe('no cause was reported (a dependency rejected without an error)');
  });

  it('names a port that is already taken', () => {
    const err = systemError('listen EADDRINUSE: address already in use 0.0.0.0:8000', {
      code: 'EADDRINUSE',
      syscall: 'listen',
      address: '0.0.0.0',
      port: 8000,
    });
    expect(describeStartupError(err)).toBe('0.0.0.0:8000 is already in use by another process');
  });

  it('names a privileged port', () => {
    const err = systemError('listen EACCES', { code: 'EACCES', syscall: 'listen', address: '0.0.0.0', port: 80 });
    expect(describeStartupError(err)).toBe('not permitted to listen on 0.0.0.0:80 (ports below 1024 need privileges)');
  });

  it('names the path of a permission error', () => {
    const err = systemError("EACCES: permission denied, mkdir '/var/lib/x'", {
      code: 'EACCES',
      syscall: 'mkdir',
      path: '/var/lib/x',
    });
    expect(describeStartupError(err)).toBe('permission denied on /var/lib/x');
  });

  it('spells out every address of an AggregateError whose own message is empty', () => {
    const err = new AggregateError([
      systemError('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED', address: '::1', port: 5432 }),
      systemError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5432 }),
    ]);
    expect(describeStartupError(err)).toBe(
      'nothing accepts connections on ::1:5432; nothing accepts connections on 127.0.0.1:5432',
    );
  });

  it('keeps a multi-line message and its cause on one line', () => {
    const err = new Error('first\n  second', { cause: new Error('root cause') });
    expect(describeStartupError(err)).toBe('first; second: root cause');
  });

  it('prints strings and other values as they are', () => {
    expect(describeStartupError('boom')).toBe('boom');
    expect(describeStartupError({ code: 42 })).toBe('{"code":42}');
  });
});
