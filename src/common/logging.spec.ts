import { loggerParams, prettyLogs } from 'src/common/logging';

describe(prettyLogs.name, () => {
  it.each([
    ['development', true, true],
    ['development', false, false],
    ['production', true, false],
    ['production', false, false],
    ['test', true, false],
  ] as const)('with NODE_ENV=%s and a terminal on stdout: %s, prints pretty lines: %s', (env, tty, pretty) => {
    expect(prettyLogs(env, tty)).toBe(pretty);
  });
});

describe(loggerParams.name, () => {
  it('sends logs through pino-pretty when asked to', () => {
    const params = loggerParams('info', true).pinoHttp as { transport?: { target: string } };
    expect(params.transport?.target).toBe('pino-pretty');
  });

  it('writes JSON to stdout otherwise', () => {
    expect(loggerParams('info', false).pinoHttp).not.toHaveProperty('transport');
  });
});
