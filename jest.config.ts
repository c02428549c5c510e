import type { Config } from 'jest';

/**
 * Test tiers are in the file name: *.unit.spec.ts (no I/O), *.int.spec.ts
 * (real MariaDB / Kafka), *.e2e.spec.ts (HTTP, processes). Test-only helpers
 * live in packages/test-support and packages' test/ folders, never in src/.
 * Packages are mapped to their sources so tests never need a build.
 */
const config: Config = {
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/{packages,examples}/**/src/**/*.spec.ts',
    '<rootDir>/{packages,examples}/**/test/**/*.spec.ts',
    '<rootDir>/docs/**/*.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json', diagnostics: false }],
  },
  moduleNameMapper: {
    // Entry points first (@eventloom/core/spi, @eventloom/testing/contract): resolving one to dist/ would load a second copy.
    '^@eventloom/(core|testing)/(spi|contract)$': '<rootDir>/packages/$1/src/$2',
    '^@eventloom/(core|in-memory|testing|mysql|kafka|prometheus|opentelemetry|cli|test-support)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 60_000,
};

export default config;
