// Two projects: the default suite runs on temporary SQLite databases; the postgres project reruns
// the database tests against a real PostgreSQL (SALESCAST_TEST_PG_URL, started by .ci/run).
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
module.exports = {
  testTimeout: 120000,
  projects: [
    { ...base, displayName: 'sqlite', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/postgres/'] },
    { ...base, displayName: 'postgres', testMatch: ['<rootDir>/test/postgres/**/*.test.ts'] },
  ],
};
