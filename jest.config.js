// Two projects: the default suite runs on temporary SQLite databases; the postgres project reruns
// the database tests against a real PostgreSQL (SALESCAST_TEST_PG_URL, started by .ci/run).
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // ml-regression's helpers include ESM-only packages; Node loads them natively (require(esm)),
    // Jest's module system does not, so they are compiled to CommonJS for the tests.
    '^.+\\.js$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(is-any-array|ml-array-max|ml-array-min|ml-array-rescale|ml-kernel-polynomial|ml-kernel-sigmoid)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
module.exports = {
  testTimeout: 120000,
  // Compiles src/ to dist/ when it changed: the CLI tests spawn bin/salescast.js, which runs dist/.
  globalSetup: '<rootDir>/test/global-setup.js',
  projects: [
    { ...base, displayName: 'sqlite', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/postgres/'] },
    { ...base, displayName: 'postgres', testMatch: ['<rootDir>/test/postgres/**/*.test.ts'] },
  ],
};
