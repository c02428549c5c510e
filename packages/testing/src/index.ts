/** Fixtures for application tests. The contract suites for back-end authors are in '@eventloom/testing/contract'. */
export * from './aggregate-fixture';
export * from './subscriber-fixture';
export { FixtureFailure } from './fixture-failure';
export { eventually } from './eventually';
export * from './saga-fixture';
