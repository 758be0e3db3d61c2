import { Logger } from '@nestjs/common';

import type { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import type { AppRoleName } from 'src/config/env.schema';
import { strictMock } from 'test/support/strict-mock';

const roleOf = (name: AppRoleName) => new AppRole(strictMock<AppConfig>({ get: () => name }));

describe(AppRole.name, () => {
  let log: jest.SpyInstance;
  beforeEach(() => (log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined)));
  afterEach(() => log.mockRestore());

  it.each([
    ['all', true, true],
    ['api', true, false],
    ['worker', false, true],
  ] as const)('role %s: serves the API %s, runs background work %s', (name, api, background) => {
    const role = roleOf(name);
    expect(role.servesApi).toBe(api);
    expect(role.runsBackgroundWork).toBe(background);
    expect(role.runsLoop('outbox')).toBe(background);
  });

  it('logs once per loop start which role it runs on', () => {
    expect(roleOf('worker').runsLoop('CRM outbox')).toBe(true);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(
      { event: 'loop_started', loop: 'CRM outbox', role: 'worker' },
      'CRM outbox: runs (on role worker)',
    );
  });

  it('says why a loop does not run: its role, or its own setting', () => {
    expect(roleOf('api').runsLoop('sweeper')).toBe(false);
    expect(log).toHaveBeenLastCalledWith(
      { event: 'loop_skipped', loop: 'sweeper', role: 'api' },
      'sweeper: does not run (not on role api)',
    );
    expect(roleOf('all').runsLoop('sweeper', false)).toBe(false);
    expect(log).toHaveBeenLastCalledWith(
      { event: 'loop_skipped', loop: 'sweeper', role: 'all' },
      'sweeper: does not run (switched off)',
    );
  });
});
