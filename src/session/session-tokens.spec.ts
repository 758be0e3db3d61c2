import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AppConfig } from 'src/config/app-config.service';
import type { EnvSchema } from 'src/config/env.schema';
import { GENERATED_SESSION_TOKEN_SECRET_FILE, SessionTokens } from 'src/session/session-tokens';

const configWith = (env: Partial<EnvSchema>) =>
  ({
    get: <K extends keyof EnvSchema>(key: K) => {
      if (!(key in env)) throw new Error(`unexpected config read: ${String(key)}`);
      return env[key];
    },
  }) as unknown as AppConfig;

const SECRET = 'a-session-token-secret-of-at-least-32-chars';

describe(SessionTokens.name, () => {
  const sut = new SessionTokens(configWith({ SESSION_TOKEN_SECRET: SECRET }));

  it('verifies the token it issued for the same tenant and session', () => {
    expect(sut.verify('acme', 'session-123', sut.issue('acme', 'session-123'))).toBe(true);
  });

  it('issues the same token on every instance sharing the secret', () => {
    const other = new SessionTokens(configWith({ SESSION_TOKEN_SECRET: SECRET }));
    expect(other.issue('acme', 'session-123')).toBe(sut.issue('acme', 'session-123'));
  });

  it('refuses a token issued for another session, another tenant or under another secret', () => {
    const token = sut.issue('acme', 'session-123');
    const rotated = new SessionTokens(configWith({ SESSION_TOKEN_SECRET: `${SECRET}-rotated` }));
    expect(sut.verify('acme', 'session-124', token)).toBe(false);
    expect(sut.verify('globex', 'session-123', token)).toBe(false);
    expect(rotated.verify('acme', 'session-123', token)).toBe(false);
  });

  it('refuses empty, truncated and altered tokens', () => {
    const token = sut.issue('acme', 'session-123');
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of ['', token.slice(0, -1), flipped, `${token}x`])
      expect(sut.verify('acme', 'session-123', bad)).toBe(false);
  });

  it('writes a versioned token of 256 bits that does not contain the secret or the ids', () => {
    const token = sut.issue('acme', 'session-123');
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain('acme');
    expect(token).not.toContain('session-123');
  });

  it('generates a secret under DATA_DIR (mode 0600) when none is configured, and reuses it on the next start', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'session-tokens-'));
    const first = new SessionTokens(configWith({ SESSION_TOKEN_SECRET: undefined, DATA_DIR: dataDir }));
    const second = new SessionTokens(configWith({ SESSION_TOKEN_SECRET: undefined, DATA_DIR: dataDir }));
    const file = join(dataDir, GENERATED_SESSION_TOKEN_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toHaveLength(43);
    expect(second.verify('acme', 's-1234567', first.issue('acme', 's-1234567'))).toBe(true);
  });
});
