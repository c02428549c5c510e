/**
 * Test tiers are in the file name: *.unit.spec.ts (no I/O), *.int.spec.ts
 * (real MariaDB / Kafka), *.e2e.spec.ts (HTTP, processes).
 * Packages are mapped to their sources so tests never need a build.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,examples}/**/src/**/*.spec.ts', '<rootDir>/{packages,examples}/**/test/**/*.spec.ts', '<rootDir>/docs/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^@eventloom/(core|testing)/(spi|contract)$': '<rootDir>/packages/$1/src/$2',
    '^@eventloom/(core|in-memory|testing|mysql|kafka)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 60000,
};
