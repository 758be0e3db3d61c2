import globalSetup from 'test/support/global-setup';

const PRODUCTION_URL = 'postgres://postgres@127.0.0.1:5432/concierge';

/** Runs `fn` with DATABASE_URL set as a developer's shell might have it, then restores the environment. */
async function withShellDatabaseUrl<T>(url: string, fn: () => T | Promise<T>): Promise<T> {
  const saved = { ...process.env };
  process.env.DATABASE_URL = url;
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

describe('e2e database guard', () => {
  it('refuses in global setup when the DATABASE_URL the suites would use is not a test database', async () => {
    await withShellDatabaseUrl(PRODUCTION_URL, async () => {
      await expect(globalSetup({ maxWorkers: 2 })).rejects.toThrow(
        'Refusing to run e2e tests against database "concierge"',
      );
    });
  });

  it('refuses in the per-suite environment setup too, before any suite connects', async () => {
    await withShellDatabaseUrl(PRODUCTION_URL, () => {
      expect(() => jest.isolateModules(() => require('test/support/env'))).toThrow(
        'Refusing to run e2e tests against database "concierge"',
      );
    });
  });
});
