let n = 0;

export const tenantKeyFactory = {
  build: (overrides: Record<string, unknown> = {}) => ({
    name: `integration key ${++n}`,
    role: 'editor',
    ...overrides,
  }),
};
