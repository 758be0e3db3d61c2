import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { getMetadataStorage } from 'class-validator';

import { EnvSchema, validateEnv } from 'src/config/env.schema';

/** `.env.example` is the operator's reference: every variable the schema reads is there, with its default. */
describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
  const documented = new Map(
    text
      .split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  const schemaKeys = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvSchema, '', true, false)
      .map((m) => m.propertyName),
  );
  const defaults = validateEnv({}) as unknown as Record<string, unknown>;

  it('documents every variable the schema reads', () => {
    expect([...schemaKeys].filter((k) => !documented.has(k))).toEqual([]);
  });

  it('documents no variable the schema does not read', () => {
    expect([...documented.keys()].filter((k) => !schemaKeys.has(k))).toEqual([]);
  });

  it('gives each variable its real default', () => {
    for (const [key, value] of documented) {
      if (value === '') continue;
      expect([key, String(defaults[key])]).toEqual([key, value]);
    }
  });

  it('is itself a valid configuration', () => {
    expect(() => validateEnv(Object.fromEntries(documented))).not.toThrow();
  });
});
